package io.blip.runtime;

import io.blip.api.BlipException;
import io.blip.api.time.Time;
import io.blip.runtime.api.ApiServer;
import io.blip.runtime.config.BlipConfig;
import io.blip.runtime.config.ConfigPrinter;
import io.blip.runtime.config.Declarations;
import io.blip.runtime.config.LoadContext;
import io.blip.runtime.config.MycnfFiles;
import io.blip.runtime.event.Event;
import io.blip.runtime.http.HttpProxy;
import io.blip.runtime.monitor.LevelClock;
import io.blip.runtime.monitor.QueryThreads;
import io.blip.runtime.plugin.Plugins;
import io.blip.api.sink.Delivery;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds everything before anything starts, in this order: plugins (their layers and providers),
 * config (checked against Blip's keys and the plugins' declarations), plans, monitors (each with its
 * plan, connection target, credential source and sinks). Every problem of every monitor is reported
 * at once; nothing is left half-built. What {@code --print-*} asks for is printed on the way.
 */
final class Boot {
    private static final Logger LOG = LoggerFactory.getLogger(Boot.class);
    /**
     * Platform threads for collections ({@link QueryThreads}): for one monitor, a collection (whose
     * domains run on its thread) and the domains of a level handed over beside a slow one; one more
     * per 100 monitors, at most {@value #MAX_QUERY_THREADS}; beyond, virtual threads.
     */
    static int queryThreads(int monitors) {
        return Math.min(MAX_QUERY_THREADS, 2 + monitors / 100);
    }

    private static final int MAX_QUERY_THREADS = 16;

    private final CliOptions options;
    private final Map<String, String> env;
    private final PrintStream out;
    private final Time time;

    /** The config, its plans or monitors have problems: Blip's {@code boot-config-invalid}, not {@code boot-error}. */
    static final class InvalidConfig extends BlipException {
        InvalidConfig(BlipException problems) {
            super(problems.getMessage(), problems);
        }
    }

    private Boot(CliOptions options, Map<String, String> env, PrintStream out, Time time) {
        this.options = options;
        this.env = env;
        this.out = out;
        this.time = time;
    }

    /**
     * Boots: a server ready to run, or, for {@code --run=false} and {@code --print-domains}, one
     * with no monitors.
     *
     * @throws BlipException listing every problem found
     */
    static Server boot(CliOptions options, Map<String, String> env, PrintStream out, Time time) {
        return new Boot(options, env, out, time).build();
    }

    private Server build() {
        LOG.info("{}: blip {}", Event.BOOT_START, Version.get());
        Plugins plugins = Plugins.load(options.pluginsDir());
        if (options.printPlugins()) {
            out.print(plugins.describe());
        }
        if (options.printDomains()) {
            plugins.prepareAll();
            out.print(DomainPrinter.print(plugins.collectors().stream().map(p -> p.instance().help()).toList()));
            return Server.idle(0);
        }
        Declarations declarations = plugins.declarations(Delivery.OPTIONS);
        var context = new LoadContext(env, systemProperties(), declarations, new MycnfFiles());
        var fleet = new Fleet(configFile(), plugins, declarations, context, time, LocalCandidates::ofThisHost);
        Fleet.Loaded loaded;
        try {
            loaded = fleet.load();
        } catch (BlipException e) {
            throw new InvalidConfig(e);
        }
        LOG.info("{}: {}: {} monitor(s)", Event.BOOT_CONFIG_LOADED,
                loaded.config().file() == null ? "no config file" : loaded.config().file(), loaded.prepared().size());
        Logging.apply(loaded.config().log());
        if (!loaded.config().httpProxy().isEmpty()) {
            HttpProxy.parse(loaded.config().httpProxy(), env.getOrDefault("NO_PROXY", env.get("no_proxy"))).install();
        }
        if (options.printPlans()) {
            out.print(loaded.plans().describeShared());
        }
        if (options.printConfig()) {
            out.print(ConfigPrinter.yaml(loaded.config()));
        }
        if (options.printMonitors()) {
            if (!loaded.shard().isEmpty()) {
                out.println("# shard " + loaded.shard());
            }
            out.print(ConfigPrinter.monitorsYaml(loaded.monitors()));
        }
        if (!options.run()) {
            LOG.info("{}: {} monitor(s) valid; not running (--run=false)", Event.BOOT_SUCCESS,
                    loaded.prepared().size());
            return Server.idle(tryEach(fleet, loaded.prepared()) ? 0 : Server.EXIT_UNREACHABLE);
        }
        if (printsOnly()) {
            loaded.discard();
            return Server.idle(0);
        }
        BlipConfig config = loaded.config();
        if (loaded.prepared().isEmpty()) {
            LOG.warn("no monitors: {} has none, so Blip runs with nothing to monitor. Add monitors: to the config "
                    + "(see conf/blip.conf)", config.file() == null ? "no config file was found and" : config.file());
        }
        QueryThreads queries = new QueryThreads(queryThreads(loaded.prepared().size()));
        LevelClock levelClock = new LevelClock(time);
        Server server = new Server(fleet, config, levelClock, queries, time);
        server.shard(loaded.shard());
        if (!config.api().disable()) {
            try {
                server.serve(ApiServer.bind(config.api(), new ServerApi(server, plugins, time), Version.get(), time));
            } catch (RuntimeException e) {
                loaded.discard();
                server.close();
                throw e;
            }
        }
        try {
            server.add(loaded.prepared());
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        HeapKeeper keeper = HeapKeeper.forThisJvm(loaded.prepared().size(), time);
        if (keeper != null) {
            levelClock.register(keeper);
        }
        if (!Logging.quiet()) {
            levelClock.register(new Summary(server::monitors));
        }
        LOG.info("{}: {} monitor(s)", Event.BOOT_SUCCESS, loaded.prepared().size());
        return server;
    }

    /** Whether a {@code --print-*} flag asked for something to print, and nothing more. */
    private boolean printsOnly() {
        return options.printConfig() || options.printMonitors() || options.printPlans() || options.printPlugins();
    }

    /**
     * {@code --run=false}: connects once as each monitor, all at once (each within its
     * {@code mysql.timeout-connect}), and prints those that could not, one line each. Whether all did.
     */
    private boolean tryEach(Fleet fleet, List<Fleet.Prepared> prepared) {
        Map<String, String> problems = new ConcurrentSkipListMap<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Fleet.Prepared p : prepared) {
                threads.execute(() -> {
                    String problem = fleet.tryConnect(p);
                    if (problem != null) {
                        problems.put(p.id(), problem);
                    }
                });
            }
        }
        problems.forEach((id, problem) -> out.println("monitor " + id + ": cannot connect: " + problem));
        if (problems.isEmpty()) {
            out.println("blip: config valid; all " + prepared.size() + " monitor(s) connected");
        } else {
            out.println("blip: config valid; " + problems.size() + " of " + prepared.size()
                    + " monitor(s) could not connect");
        }
        return problems.isEmpty();
    }

    /** The config file: {@code --config}, else {@code blip.yaml} in the working directory, else none. */
    private Path configFile() {
        Path file = options.config();
        if (file == null) {
            Path fallback = Path.of("blip.yaml");
            if (!Files.exists(fallback)) {
                LOG.info("{}: no --config and no blip.yaml in the working directory: no monitors",
                        Event.BOOT_CONFIG_LOADING);
                return null;
            }
            file = fallback;
        } else if (!Files.exists(file)) {
            throw new BlipException("--config " + file + ": file not found");
        }
        LOG.info("{}: {}", Event.BOOT_CONFIG_LOADING, file);
        return file;
    }

    private static Map<String, String> systemProperties() {
        var out = new LinkedHashMap<String, String>();
        System.getProperties().forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }
}
