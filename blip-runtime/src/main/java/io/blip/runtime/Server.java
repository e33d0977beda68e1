package io.blip.runtime;

import io.blip.api.BlipException;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.OptionHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.monitor.MonitorLoader;
import io.blip.api.monitor.MonitorLoaderContext;
import io.blip.api.monitor.MonitorSpec;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.api.plan.Plan;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;
import io.blip.api.time.Time;
import io.blip.api.tls.TlsProvider;
import io.blip.runtime.config.BlipConfig;
import io.blip.runtime.config.ConfigLoader;
import io.blip.runtime.config.ConfigPrinter;
import io.blip.runtime.credential.CredentialSources;
import io.blip.runtime.monitor.LevelClock;
import io.blip.runtime.monitor.Monitor;
import io.blip.runtime.monitor.TimeLimits;
import io.blip.runtime.mysql.MonitorPool;
import io.blip.runtime.mysql.MysqlConnector;
import io.blip.runtime.plan.PlanSet;
import io.blip.runtime.plugin.Plugins;
import io.blip.runtime.plugin.Provider;
import io.blip.runtime.sink.SinkDelivery;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boot, then run: boot loads plugins and config, chooses and validates every monitor's plan,
 * credential source and sinks, and builds every monitor — reporting all problems at once — before
 * anything starts. Run starts the monitors and waits for SIGTERM or SIGINT, then stops them all
 * within {@value #STOP_SECONDS} s.
 */
public final class Server implements AutoCloseable {
    public static final int STOP_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final Plugins plugins;
    private final BlipConfig config;
    private final List<Monitor> monitors;
    private final LevelClock levelClock;
    private final ExecutorService executor;
    private final Time time;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Server(Plugins plugins, BlipConfig config, List<Monitor> monitors, LevelClock levelClock,
                   ExecutorService executor, Time time) {
        this.plugins = plugins;
        this.config = config;
        this.monitors = List.copyOf(monitors);
        this.levelClock = levelClock;
        this.executor = executor;
        this.time = time;
    }

    /** The whole program after flag parsing: boot, print what was asked, run. Returns the exit code. */
    static int main(CliOptions options, Map<String, String> env, PrintStream out, PrintStream err) {
        Server server;
        try {
            server = boot(options, env, out, Time.system());
        } catch (BlipException e) {
            err.println("blip: boot failed:");
            err.println(e.getMessage());
            return Cli.EXIT_ERROR;
        }
        if (!options.run() || options.printDomains()) {
            server.close();
            return 0;
        }
        server.installShutdownHook();
        server.run();
        server.awaitStop();
        return 0;
    }

    /**
     * Builds everything, on {@code time} (the system's; a virtual one in tests); throws with every
     * problem found. Prints what the options ask for.
     */
    static Server boot(CliOptions options, Map<String, String> env, PrintStream out, Time time) {
        LOG.info("boot-start: blip {}", Version.get());
        Plugins plugins = Plugins.load(options.pluginsDir());
        if (options.printPlugins()) {
            out.print(plugins.describe());
        }
        if (options.printDomains()) {
            out.print(DomainPrinter.print(plugins.collectors().stream().map(p -> p.instance().help()).toList()));
            return new Server(plugins, ConfigLoader.empty(), List.of(), null, null, time);
        }
        BlipConfig config = loadConfig(options, env);
        Map<String, CollectorFactory> collectors = new LinkedHashMap<>();
        for (Provider<CollectorFactory> p : plugins.collectors()) {
            collectors.put(p.name(), p.instance());
        }
        Map<String, CollectorHelp> helps = new LinkedHashMap<>();
        collectors.forEach((domain, f) -> helps.put(domain, f.help()));
        PlanSet plans = PlanSet.load(config, helps, plugins::missingCollector, env);
        if (options.printPlans()) {
            out.print(plans.describeShared());
        }

        List<String> problems = new ArrayList<>();
        RegionLookup regions = plugins.regionChain();
        PluginServices services = plugins.services();
        List<MonitorConfig> monitorConfigs = loadMonitors(config, plugins, regions, services);
        List<Prepared> prepared = new ArrayList<>();
        List<CredentialSourceFactory> credentialFactories = plugins.credentialSources().stream()
                .map(Provider::instance).toList();
        List<TlsProvider> tlsProviders = plugins.tlsProviders().stream().map(Provider::instance).toList();
        for (MonitorConfig m : monitorConfigs) {
            try {
                prepared.add(prepare(CredentialContext.of(m, regions, services, time), plans, plugins,
                        credentialFactories, tlsProviders));
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
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
            return new Server(plugins, config, List.of(), null, null, time);
        }
        if (prepared.isEmpty()) {
            LOG.warn("no monitors: {} has none, so Blip runs with nothing to monitor. Add monitors: to the config "
                    + "(see conf/blip.conf)", config.file() == null ? "no config file was found and" : config.file());
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        LevelClock levelClock = new LevelClock(time);
        List<Monitor> monitors = new ArrayList<>();
        for (Prepared p : prepared) {
            monitors.add(p.build(collectors, levelClock, executor, time, regions, services));
        }
        LOG.info("boot-success: {} monitor(s)", monitors.size());
        return new Server(plugins, config, monitors, levelClock, executor, time);
    }

    private static BlipConfig loadConfig(CliOptions options, Map<String, String> env) {
        Path file = options.config();
        if (file == null) {
            Path fallback = Path.of("blip.yaml");
            if (!Files.exists(fallback)) {
                LOG.info("boot-config-loading: no --config and no blip.yaml in the working directory: no monitors");
                return ConfigLoader.empty();
            }
            file = fallback;
        } else if (!Files.exists(file)) {
            throw new BlipException("--config " + file + ": file not found");
        }
        LOG.info("boot-config-loading: {}", file);
        return ConfigLoader.load(file, env);
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

    /** One monitor's validated parts, ready to build. */
    private record Prepared(MonitorConfig config, Plan plan, CredentialSource credentials,
                            Map<String, SinkFactory> sinks, Map<String, Options> sinkOptions,
                            List<TlsProvider> tlsProviders) {

        Monitor build(Map<String, CollectorFactory> collectors, LevelClock levelClock, ExecutorService executor,
                      Time time, RegionLookup regions, PluginServices services) {
            TimeLimits limits = TimeLimits.of(plan);
            // A query still running past its collection's limit is cut off by the socket timeout.
            Duration socketTimeout = limits.collection().plusSeconds(2);
            MysqlConnector connector = new MysqlConnector(config, credentials, socketTimeout, tlsProviders, time);
            MonitorPool pool = new MonitorPool(config.id(), connector, config.mysql().timeoutConnect(), time);
            List<SinkDelivery> deliveries = new ArrayList<>();
            try {
                for (Map.Entry<String, SinkFactory> s : sinks.entrySet()) {
                    SinkContext context = SinkContext.of(config, sinkOptions.get(s.getKey()), helps(collectors));
                    deliveries.add(new SinkDelivery(config.id(), s.getKey(), s.getValue().make(context),
                            SinkDelivery.DEFAULT_CAPACITY));
                }
            } catch (Exception e) {
                deliveries.forEach(SinkDelivery::close);
                throw new BlipException(config.origin() + ".sinks: " + e.getMessage(), e);
            }
            CollectorContext context = CollectorContext.of(config, pool, time, regions, services);
            return new Monitor(config, plan, collectors, context, pool, deliveries, levelClock, executor, time);
        }
    }

    private static Map<String, CollectorHelp> helps(Map<String, CollectorFactory> collectors) {
        Map<String, CollectorHelp> helps = new LinkedHashMap<>();
        collectors.forEach((domain, f) -> helps.put(domain, f.help()));
        return helps;
    }

    private static Prepared prepare(CredentialContext credentialContext, PlanSet plans, Plugins plugins,
                                    List<CredentialSourceFactory> credentialFactories,
                                    List<TlsProvider> tlsProviders) {
        MonitorConfig m = credentialContext.monitor();
        List<String> problems = new ArrayList<>();
        Plan plan = null;
        try {
            plan = plans.forMonitor(m);
        } catch (BlipException e) {
            problems.add(e.getMessage());
        }
        CredentialSource credentials = null;
        try {
            credentials = CredentialSources.make(credentialContext, credentialFactories);
        } catch (BlipException e) {
            problems.add(e.getMessage());
        }
        try {
            // Where to connect, and every TLS file: missing, not PEM, no certificate, a key not of the certificate.
            MysqlConnector.check(m, tlsProviders);
        } catch (BlipException e) {
            problems.add(e.getMessage());
        }
        Map<String, SinkFactory> sinks = new LinkedHashMap<>();
        Map<String, Options> sinkOptions = new LinkedHashMap<>(m.sinks());
        if (sinkOptions.isEmpty()) {
            try {
                String sink = plugins.defaultSink();
                sinkOptions.put(sink, Options.empty(m.origin() + ".sinks." + sink));
            } catch (BlipException e) {
                problems.add(m.origin() + ": " + e.getMessage());
            }
        }
        for (Map.Entry<String, Options> s : sinkOptions.entrySet()) {
            String path = s.getValue().path();
            try {
                SinkFactory f = plugins.sink(s.getKey(), path);
                checkOptions(s.getKey(), f.options(), s.getValue(), problems);
                sinks.put(s.getKey(), f);
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new BlipException(String.join("\n", problems));
        }
        return new Prepared(m, plan, credentials, sinks, sinkOptions, tlsProviders);
    }

    private static void checkOptions(String sink, Map<String, OptionHelp> declared, Options given,
                                     List<String> problems) {
        for (String key : given.keys()) {
            OptionHelp help = declared.get(key);
            if (help == null) {
                problems.add(given.pathOf(key) + ": unknown option for sink " + sink + ". Options: "
                        + (declared.isEmpty() ? "none" : declared.keySet().stream().sorted().toList()));
                continue;
            }
            if (help.values().isEmpty() || !(given.values().get(key) instanceof String value)) {
                continue; // free text, or a list or map: the sink checks its shape when it reads it
            }
            if (!help.allows(value)) {
                problems.add(given.pathOf(key) + ": " + (help.secret() ? "..." : "'" + value + "'")
                        + " is not allowed. Allowed: " + help.values().keySet());
            }
        }
    }

    /**
     * Starts every monitor, each a little after the last (20 to 100 ms, on the server's time) so that
     * 1,000 monitors do not connect in the same instant. Returns at once: the monitors wait their turn.
     */
    void run() {
        Duration gap = Duration.ofMillis(monitors.isEmpty() ? 0 : Math.clamp(1000L / monitors.size(), 20, 100));
        LOG.info("server-run: starting {} monitor(s), {} ms apart", monitors.size(), gap.toMillis());
        for (int i = 0; i < monitors.size(); i++) {
            monitors.get(i).start(gap.multipliedBy(i));
        }
    }

    List<Monitor> monitors() {
        return monitors;
    }

    /** Blocks until the server has stopped (by {@link #close}, e.g. from the shutdown hook). */
    private void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM and SIGINT run the JVM's shutdown hooks: this one stops the monitors and flushes the
     * sinks within {@value #STOP_SECONDS} s. (The exit status is then the signal's, 143 or 130.)
     */
    private void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("blip-stop").unstarted(this::close));
    }

    /** Stops every monitor (in parallel, within {@value #STOP_SECONDS} s in all) and releases everything. */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        Duration within = Duration.ofSeconds(STOP_SECONDS - 1);
        long deadline = time.nanoTime() + within.plusSeconds(1).toNanos();
        int[] stopping = {monitors.size()}; // guarded by itself: the monitors still stopping
        for (Monitor m : monitors) {
            Thread.ofVirtual().start(() -> {
                try {
                    m.stop(within);
                } finally {
                    synchronized (stopping) {
                        stopping[0]--;
                        stopping.notifyAll();
                    }
                }
            });
        }
        synchronized (stopping) {
            try {
                while (stopping[0] > 0 && deadline - time.nanoTime() > 0) {
                    time.await(stopping, deadline);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (levelClock != null) {
            levelClock.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        LOG.info("server-stopped");
        stopped.countDown();
    }
}
