package io.blip.runtime;

import io.blip.api.BlipException;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.monitor.MonitorLoader;
import io.blip.api.monitor.MonitorLoaderContext;
import io.blip.api.monitor.MonitorSpec;
import io.blip.api.plan.Plan;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.api.sink.SinkFactory;
import io.blip.api.time.Time;
import io.blip.api.tls.TlsProvider;
import io.blip.runtime.config.BlipConfig;
import io.blip.runtime.config.ConfigLoader;
import io.blip.runtime.config.ConfigPrinter;
import io.blip.runtime.config.Declarations;
import io.blip.runtime.config.LoadContext;
import io.blip.runtime.config.MycnfFiles;
import io.blip.runtime.credential.CredentialSources;
import io.blip.runtime.monitor.LevelClock;
import io.blip.runtime.monitor.Monitor;
import io.blip.runtime.monitor.QueryThreads;
import io.blip.runtime.monitor.TimeLimits;
import io.blip.runtime.mysql.ConnectionTarget;
import io.blip.runtime.mysql.MonitorPool;
import io.blip.runtime.mysql.MysqlConnector;
import io.blip.runtime.plan.PlanSet;
import io.blip.runtime.plugin.Plugins;
import io.blip.runtime.plugin.Provider;
import io.blip.api.sink.Delivery;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.runtime.delivery.Sinks;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
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
        LOG.info("boot-start: blip {}", Version.get());
        Plugins plugins = Plugins.load(options.pluginsDir());
        if (options.printPlugins()) {
            out.print(plugins.describe());
        }
        if (options.printDomains()) {
            out.print(DomainPrinter.print(plugins.collectors().stream().map(p -> p.instance().help()).toList()));
            return Server.idle();
        }
        Declarations declarations = plugins.declarations(Delivery.OPTIONS);
        var context = new LoadContext(env, systemProperties(), declarations, new MycnfFiles());
        BlipConfig config = loadConfig(context);
        Map<String, CollectorFactory> collectors = new LinkedHashMap<>();
        plugins.collectors().forEach(p -> collectors.put(p.name(), p.instance()));
        Map<String, CollectorHelp> helps = new LinkedHashMap<>();
        collectors.forEach((domain, f) -> helps.put(domain, f.help()));
        PlanSet plans = PlanSet.load(config, helps, plugins::missingCollector, env);
        if (options.printPlans()) {
            out.print(plans.describeShared());
        }

        RegionLookup regions = plugins.regionChain();
        PluginServices services = plugins.services();
        List<MonitorConfig> monitorConfigs = loadMonitors(config, plugins, regions, services);
        var parts = new Parts(plugins, declarations, context.mycnf(), plans, collectors, new Sinks(helps, time), regions,
                services, time);
        List<String> problems = new ArrayList<>();
        List<Prepared> prepared = new ArrayList<>();
        for (MonitorConfig m : monitorConfigs) {
            try {
                prepared.add(parts.prepare(m));
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            prepared.forEach(Prepared::discard);
            throw new BlipException(String.join("\n", problems));
        }
        if (options.printConfig()) {
            out.print(ConfigPrinter.yaml(config));
        }
        if (options.printMonitors()) {
            out.print(ConfigPrinter.monitorsYaml(monitorConfigs));
        }
        if (!options.run()) {
            LOG.info("boot-success: {} monitor(s) valid; not running (--run=false)", prepared.size());
            prepared.forEach(Prepared::discard);
            return Server.idle();
        }
        if (prepared.isEmpty()) {
            LOG.warn("no monitors: {} has none, so Blip runs with nothing to monitor. Add monitors: to the config "
                    + "(see conf/blip.conf)", config.file() == null ? "no config file was found and" : config.file());
        }
        QueryThreads queries = new QueryThreads(queryThreads(prepared.size()));
        LevelClock levelClock = new LevelClock(time);
        List<Monitor> monitors = new ArrayList<>();
        try {
            for (Prepared p : prepared) {
                monitors.add(parts.build(p, levelClock, queries));
            }
        } catch (RuntimeException e) {
            // Close what was built, the last first; the monitors not reached give back their credential sources.
            monitors.reversed().forEach(m -> m.stop(Duration.ofSeconds(1)));
            prepared.subList(monitors.size(), prepared.size()).forEach(Prepared::discard);
            levelClock.close();
            queries.shutdownNow();
            throw e;
        }
        HeapKeeper keeper = HeapKeeper.forThisJvm(monitors.size(), time);
        if (keeper != null) {
            levelClock.register(keeper);
        }
        LOG.info("boot-success: {} monitor(s)", monitors.size());
        return new Server(monitors, levelClock, List.of(queries), time);
    }

    private BlipConfig loadConfig(LoadContext context) {
        Path file = options.config();
        if (file == null) {
            Path fallback = Path.of("blip.yaml");
            if (!Files.exists(fallback)) {
                LOG.info("boot-config-loading: no --config and no blip.yaml in the working directory: no monitors");
                return ConfigLoader.empty(context);
            }
            file = fallback;
        } else if (!Files.exists(file)) {
            throw new BlipException("--config " + file + ": file not found");
        }
        LOG.info("boot-config-loading: {}", file);
        return ConfigLoader.load(file, context);
    }

    private static Map<String, String> systemProperties() {
        var out = new LinkedHashMap<String, String>();
        System.getProperties().forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    /**
     * The config's monitors, then those of each plugin loader named under {@code monitor-loader}
     * (e.g. {@code monitor-loader.aws}), with the same defaults, interpolation and validation.
     */
    private static List<MonitorConfig> loadMonitors(BlipConfig config, Plugins plugins, RegionLookup regions,
                                                    PluginServices services) {
        List<MonitorConfig> all = new ArrayList<>(config.monitors());
        for (Map.Entry<String, Options> e : config.monitorLoader().plugins().entrySet()) {
            MonitorLoader loader = plugins.monitorLoader(e.getKey(), e.getValue().path());
            if (!loader.enabled(e.getValue())) {
                continue;
            }
            List<MonitorSpec> specs;
            try {
                specs = loader.load(MonitorLoaderContext.of(e.getValue(), regions, services));
            } catch (Exception ex) {
                throw new BlipException(e.getValue().path() + ": monitor loader " + loader.name() + " failed: "
                        + ex.getMessage(), ex);
            }
            List<MonitorConfig> found = config.defaults().monitors(specs, all);
            LOG.info("monitors-loaded: {} monitor(s) from monitor-loader.{}", found.size(), loader.name());
            all.addAll(found);
        }
        return all;
    }

    /** One monitor's checked parts, ready to build; {@link #discard} releases them if it is not built. */
    private record Prepared(MonitorConfig config, Plan plan, ConnectionTarget target, CredentialSource credentials,
                            Map<String, SinkFactory> sinks, Map<String, Options> sinkOptions) {
        void discard() {
            credentials.close();
        }
    }

    /** What every monitor is made with. */
    private record Parts(Plugins plugins, Declarations declarations, MycnfFiles mycnf, PlanSet plans,
                         Map<String, CollectorFactory> collectors, Sinks sinks, RegionLookup regions,
                         PluginServices services, Time time) {

        List<TlsProvider> tlsProviders() {
            return plugins.tlsProviders().stream().map(Provider::instance).toList();
        }

        /** Checks one monitor: its plan, where and how it connects, its credential source, its sinks. */
        Prepared prepare(MonitorConfig m) {
            List<String> problems = new ArrayList<>();
            Plan plan = null;
            try {
                plan = plans.forMonitor(m);
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
            ConnectionTarget target = null;
            try {
                target = ConnectionTarget.resolve(m, mycnf, tlsProviders(), time);
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
            CredentialSource credentials = null;
            try {
                credentials = CredentialSources.make(CredentialContext.of(m, regions, services, time),
                        plugins.credentialSourceFor(m), mycnf);
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
            Map<String, Options> sinkOptions = new LinkedHashMap<>(m.sinks());
            if (sinkOptions.isEmpty()) {
                try {
                    String sink = plugins.defaultSink();
                    sinkOptions.put(sink, declarations.sinks().get(sink).defaults(m.origin() + ".sinks." + sink));
                } catch (BlipException e) {
                    problems.add(m.origin() + ": " + e.getMessage());
                }
            }
            Map<String, SinkFactory> sinks = new LinkedHashMap<>();
            for (String name : sinkOptions.keySet()) {
                try {
                    sinks.put(name, plugins.sink(name, sinkOptions.get(name).path()));
                } catch (BlipException e) {
                    problems.add(e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                if (credentials != null) {
                    credentials.close();
                }
                throw new BlipException(String.join("\n", problems));
            }
            return new Prepared(m, plan, target, credentials, sinks, sinkOptions);
        }

        Monitor build(Prepared p, LevelClock levelClock, ExecutorService queries) {
            MonitorConfig config = p.config();
            TimeLimits limits = TimeLimits.of(p.plan());
            // A query still running past its collection's limit is cut off by the socket timeout.
            Duration socketTimeout = limits.collection().plusSeconds(2);
            MysqlConnector connector = new MysqlConnector(p.target(), p.credentials(), socketTimeout, tlsProviders(),
                    mycnf, time);
            MonitorPool pool = new MonitorPool(config.id(), connector, config.mysql().timeoutConnect(), time);
            List<SinkQueue.Lane<?>> lanes = new ArrayList<>();
            try {
                for (Map.Entry<String, SinkFactory> s : p.sinks().entrySet()) {
                    lanes.add(sinks.lane(s.getKey(), s.getValue(), p.sinkOptions().get(s.getKey()), config));
                }
            } catch (Exception e) {
                lanes.forEach(l -> l.close(Duration.ofSeconds(1)));
                pool.close();
                throw new BlipException(config.origin() + ".sinks: " + e.getMessage(), e);
            }
            CollectorContext context = CollectorContext.of(config, pool, time, regions, services);
            return new Monitor(config, p.plan(), collectors, context, pool, lanes, levelClock, queries, time);
        }
    }
}
