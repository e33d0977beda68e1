package io.blip.runtime;

import io.blip.api.BlipException;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.Options;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.ha.HaManager;
import io.blip.api.monitor.MonitorLoader;
import io.blip.api.monitor.MonitorLoaderContext;
import io.blip.api.monitor.MonitorSpec;
import io.blip.api.plugin.PluginServices;
import io.blip.api.plan.Plan;
import io.blip.api.region.RegionLookup;
import io.blip.api.sink.Delivery;
import io.blip.api.sink.SinkFactory;
import io.blip.api.time.Time;
import io.blip.api.tls.TlsProvider;
import io.blip.runtime.config.BlipConfig;
import io.blip.runtime.config.ConfigLoader;
import io.blip.runtime.config.ConfigMentions;
import io.blip.runtime.config.Declarations;
import io.blip.runtime.config.LoadContext;
import io.blip.runtime.config.PrivateFiles;
import io.blip.runtime.config.Shard;
import io.blip.runtime.credential.CredentialSources;

import io.blip.runtime.delivery.SinkQueue;
import io.blip.runtime.delivery.Sinks;
import io.blip.runtime.event.Event;
import io.blip.runtime.monitor.LevelClock;
import io.blip.runtime.monitor.Monitor;
import io.blip.runtime.monitor.TimeLimits;
import io.blip.runtime.mysql.ConnectionTarget;
import io.blip.runtime.mysql.MonitorPool;
import io.blip.runtime.mysql.MysqlConnector;
import io.blip.runtime.plan.DefaultPlans;
import io.blip.runtime.plan.MonitorPlans;
import io.blip.runtime.plan.PlanSet;
import io.blip.runtime.plan.PlanTable;
import io.blip.runtime.plugin.PluginException;
import io.blip.runtime.plugin.Plugins;
import io.blip.runtime.plugin.Provider;
import io.blip.runtime.prom.ExporterListener;
import io.blip.runtime.prom.ExporterScrape;
import io.blip.runtime.prom.ExporterSection;
import io.blip.runtime.prom.WebConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitors Blip runs: read from the config file, its monitor files and the monitor loaders
 * (e.g. {@code monitor-loader.aws}), checked, and built. Boot loads them once; every reload
 * ({@link Server#reload}) loads them again the same way, from the same config file, with the same
 * plugins and sinks.
 */
final class Fleet {
    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    private final Path configFile; // null: no config file, no monitors but those of the loaders
    private final Plugins plugins;
    /** What the plugins declared at the last load (Blip's plugins that ship on demand may add to it). */
    private volatile Declarations declarations;
    private volatile LoadContext context;
    /** Every loaded collector and its help, by domain; added to when a plugin is made on demand. */
    private final Map<String, CollectorFactory> collectors = new ConcurrentHashMap<>();
    private final Map<String, CollectorHelp> helps = new ConcurrentHashMap<>();
    private final Sinks sinks;
    private final RegionLookup regions;
    private final PluginServices services;
    private final Time time;
    private final Supplier<LocalCandidates> local;

    /**
     * @param local where to look for a local MySQL when nothing else loads monitors
     *              ({@code monitor-loader.local}), asked only then; {@link LocalCandidates#ofThisHost()} but in tests
     */
    Fleet(Path configFile, Plugins plugins, Declarations declarations, LoadContext context, Time time,
          Supplier<LocalCandidates> local) {
        this.configFile = configFile;
        this.local = local;
        this.plugins = plugins;
        this.declarations = declarations;
        this.context = context;
        this.time = time;
        addCollectors();
        this.sinks = new Sinks(helps, plugins::translators, time);
        this.regions = plugins.regionChain();
        this.services = plugins.services();
    }

    /** Takes in the collectors of the plugins loaded so far. */
    private void addCollectors() {
        for (var p : plugins.collectors()) {
            if (collectors.putIfAbsent(p.name(), p.instance()) == null) {
                helps.put(p.name(), p.instance().help());
            }
        }
    }

    /**
     * The help of a domain a plan names, if a collector provides it: one of a plugin of Blip's that
     * ships on demand (e.g. {@code aws.rds}) is made here.
     */
    private Optional<CollectorHelp> domain(String name) {
        CollectorHelp help = helps.get(name);
        if (help == null) {
            try {
                plugins.collector(name, "");
                addCollectors();
                help = helps.get(name);
            } catch (PluginException e) {
                throw e;
            } catch (BlipException e) {
                // No such domain: the plan's check says so, with the advice of missingCollector.
            }
        }
        return Optional.ofNullable(help);
    }

    /** What one load found: the config, its plans, and every monitor checked and ready to build. */
    /**
     * @param monitors this shard's monitors
     * @param shard    which shard this instance is and what each shard owns ({@code monitor-loader.shard});
     *                 empty without sharding
     */
    record Loaded(BlipConfig config, PlanSet plans, List<MonitorConfig> monitors, List<Prepared> prepared,
                  String shard) {
        /** Releases what the monitors not built hold (their credential sources). */
        void discard() {
            prepared.forEach(Prepared::discard);
        }
    }

    /**
     * One monitor's checked parts, ready to build; {@link #discard} releases them if it is not built.
     * {@code plan} is all its plans: the one it collects and those of {@code plans.change}.
     */
    /**
     * @param exporter its {@code exporter} keys, read once
     * @param web      its listener's web config ({@code exporter.flags.web.config.file}), read and checked; null
     *                 for none
     */
    record Prepared(MonitorConfig config, MonitorPlans plan, ConnectionTarget target, CredentialSource credentials,
                    Map<String, SinkFactory> sinks, Map<String, Options> sinkOptions,
                    ExporterSection.Settings exporter, WebConfig web) {
        String id() {
            return config.id();
        }

        void discard() {
            credentials.close();
        }
    }

    /** A config file that holds a monitor's password as written (not a {@code ${ENV}}) should be private. */
    private static void warnIfPasswordsAreReadable(BlipConfig config) {
        String text;
        try {
            text = Files.readString(config.file());
        } catch (IOException | RuntimeException e) {
            return;
        }
        config.monitors().stream()
                .filter(m -> !m.mysql().password().isEmpty() && text.contains(m.mysql().password().reveal()))
                .findFirst()
                .ifPresent(m -> PrivateFiles.check(config.file(), "the password of monitor " + m.id()));
    }

    /**
     * Reads the config file (or none), its plans and monitors, and checks every monitor.
     *
     * @throws BlipException listing every problem found; nothing is left open
     */
    Loaded load() {
        if (configFile != null) {
            // Blip's plugins that ship on demand (aws, otlp) are made when the config names what they ship.
            plugins.prepare(ConfigMentions.of(configFile, context.env()));
            declarations = plugins.declarations(Delivery.OPTIONS);
            context = context.with(declarations);
            addCollectors();
        }
        BlipConfig config = configFile == null ? ConfigLoader.empty(context) : ConfigLoader.load(configFile, context);
        if (configFile != null) {
            warnIfPasswordsAreReadable(config);
        }
        List<String> problems = new ArrayList<>();
        List<PlanTable.Row> rows = List.of();
        try {
            rows = planTable(config);
        } catch (BlipException e) {
            problems.add(e.getMessage());
        }
        PlanSet plans;
        try {
            plans = PlanSet.load(config, this::domain, plugins::missingCollector, context.env(), rows);
            List<String> files = config.plans().files();
            LOG.info("{}: {}", Event.PLANS_LOAD_SHARED, !files.isEmpty() ? "plans.files " + files
                    : rows.isEmpty() ? "no plans.files: Blip's built-in plans" : "no plans.files");
        } catch (BlipException e) {
            problems.add(e.getMessage());
            throw new BlipException(String.join("\n", problems));
        }
        if (!problems.isEmpty()) {
            throw new BlipException(String.join("\n", problems));
        }
        List<MonitorConfig> everyShards = loadMonitors(config);
        Shard shard;
        try {
            shard = Shard.of(config.monitorLoader().shard(), context.env(), Fleet::hostname);
        } catch (BlipException e) {
            throw new BlipException((config.file() == null ? "" : config.file() + ": ") + e.getMessage());
        }
        List<MonitorConfig> monitors = everyShards.stream().filter(m -> shard.owns(m.id())).toList();
        String shardText = shardText(shard, everyShards, monitors.size());
        if (!shardText.isEmpty()) {
            LOG.info("{}: shard {}", Event.MONITORS_LOADED, shardText);
        }
        if (monitors.isEmpty()) {
            problems.addAll(plans.unknownChangePlans());
        }
        List<Prepared> prepared = new ArrayList<>();
        for (MonitorConfig m : monitors) {
            try {
                prepared.add(prepare(m, plans));
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
        }
        sameListenAddress(prepared, problems);
        if (!problems.isEmpty()) {
            prepared.forEach(Prepared::discard);
            throw new BlipException(String.join("\n", problems));
        }
        return new Loaded(config, plans, monitors, prepared, shardText);
    }

    /**
     * The config's monitors, then those of each plugin loader named under {@code monitor-loader}
     * (e.g. {@code monitor-loader.aws}), with the same defaults, interpolation and validation.
     */
    private List<MonitorConfig> loadMonitors(BlipConfig config) {
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
                if (ex instanceof RuntimeException && !(ex instanceof BlipException)) {
                    // Unexpected: a bug in the loader (Go: a panic), beside the boot or reload error it becomes.
                    LOG.error("{}: monitor-loader.{}: {}", Event.MONITOR_LOADER_PANIC, loader.name(), ex.toString());
                }
                throw new BlipException(e.getValue().path() + ": monitor loader " + loader.name() + " failed: "
                        + ex.getMessage(), ex);
            }
            List<MonitorConfig> found = config.defaults().monitors(specs, all);
            LOG.info("{}: {} monitor(s) from monitor-loader.{}", Event.MONITORS_LOADED, found.size(), loader.name());
            all.addAll(found);
        }
        if (all.isEmpty() && !config.monitorLoader().localDisableAuto()) {
            detectLocal(config, local.get()).ifPresent(all::add);
        }
        return all;
    }

    /** {@code 1/3: 10 of the 30 monitors loaded (shard 0: 11, shard 2: 9)}; empty without sharding. */
    private static String shardText(Shard shard, List<MonitorConfig> all, int kept) {
        if (shard.count() == 1) {
            return "";
        }
        int[] owned = new int[shard.count()];
        all.forEach(m -> owned[Shard.owner(m.id(), shard.count())]++);
        var others = new java.util.StringJoiner(", ", " (", ")");
        for (int i = 0; i < owned.length; i++) {
            if (i != shard.index()) {
                others.add("shard " + i + ": " + owned[i]);
            }
        }
        return shard.describe() + ": " + kept + " of the " + all.size() + " monitors loaded" + others;
    }

    /** This host's name, for {@code monitor-loader.shard: auto} where {@code HOSTNAME} is not set. */
    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** How long auto-detection waits for each candidate to answer, as Blip does. */
    static final Duration LOCAL_PING = Duration.ofMillis(200);

    /**
     * Local auto-detection, when nothing else loaded a monitor: for the user {@code mysql.username},
     * then {@code root} (unless {@code monitor-loader.local.disable-auto-root}), every candidate socket,
     * then TCP; the first that connects within {@link #LOCAL_PING} is the monitor {@code localhost},
     * with the monitor defaults of the config like any other.
     */
    private Optional<MonitorConfig> detectLocal(BlipConfig config, LocalCandidates local) {
        List<String> users = new ArrayList<>();
        users.add(config.defaults().monitors(List.of(localSpec(Map.of("hostname", local.tcp()))), List.of()).getFirst()
                .mysql().username());
        if (!config.monitorLoader().localDisableAutoRoot() && !users.contains("root")) {
            users.add("root");
        }
        for (String user : users) {
            List<Map<String, Object>> places = new ArrayList<>();
            local.sockets().forEach(s -> places.add(Map.of("socket", s.toString())));
            places.add(Map.of("hostname", local.tcp()));
            for (Map<String, Object> place : places) {
                var spec = new LinkedHashMap<String, Object>(place);
                spec.put("username", user);
                MonitorConfig m = config.defaults().monitors(List.of(localSpec(spec)), List.of()).getFirst();
                if (answers(m)) {
                    LOG.info("{}: auto-detected local MySQL: {} as {}", Event.MONITORS_LOADED,
                            place.values().iterator().next(), user);
                    return Optional.of(m);
                }
            }
        }
        LOG.info("{}: no local MySQL found (sockets {}, then {}; users {})", Event.MONITORS_LOADED, local.sockets(),
                local.tcp(), users);
        return Optional.empty();
    }

    private static MonitorSpec localSpec(Map<String, Object> config) {
        var spec = new LinkedHashMap<String, Object>(config);
        spec.put("id", "localhost");
        return new MonitorSpec("monitor-loader.local", spec);
    }

    /**
     * The rows of the top-level {@code plans.table}, read from {@code plans.monitor} (connected as a
     * monitor would be, then closed); none when no table is set.
     *
     * @throws BlipException naming the config file, {@code plans.table} and the table
     */
    private List<PlanTable.Row> planTable(BlipConfig config) {
        String table = config.plans().table();
        if (table.isEmpty()) {
            return List.of();
        }
        String at = (config.file() == null ? "defaults" : config.file().toString()) + ": plans.table";
        Prepared holder = prepare(config.plans().monitor(), (MonitorPlans) null);
        try {
            List<PlanTable.Row> rows = connected(holder, c -> PlanTable.read(c, table, at));
            LOG.info("{}: {} plan(s) from {} on {}", Event.PLANS_LOAD_SHARED, rows.size(), table,
                    holder.config().address());
            return rows;
        } catch (SQLException e) {
            throw new BlipException(at + ": cannot read plans from " + table + " on " + holder.config().address()
                    + " (plans.monitor): " + e.getMessage());
        }
    }

    /** Whether the monitor connects within {@link #LOCAL_PING}. */
    private boolean answers(MonitorConfig m) {
        Prepared p;
        try {
            MysqlConfig my = m.mysql();
            p = prepare(m.withMysql(new MysqlConfig(my.hostname(), my.socket(), my.mycnf(), my.username(), my.password(),
                    my.passwordFile(), LOCAL_PING, my.credentialSource())), (MonitorPlans) null);
        } catch (BlipException e) {
            LOG.debug("local auto-detect {}: {}", m.address(), e.getMessage());
            return false;
        }
        String problem = tryConnect(p);
        if (problem != null) {
            LOG.debug("local auto-detect {} as {}: {}", m.address(), m.mysql().username(), problem);
        }
        return problem == null;
    }

    /**
     * Connects once as the monitor would (its credentials, TLS, {@code mysql.timeout-connect}), then
     * closes the connection and the prepared parts (they are not built after): null when that worked,
     * else why not.
     */
    String tryConnect(Prepared p) {
        Duration timeout = p.config().mysql().timeoutConnect();
        try {
            return connected(p, c -> c.isValid((int) Math.max(1, timeout.toSeconds())) ? null
                    : "the connection did not answer a ping");
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    /** What {@code use} makes of one connection made as the monitor would connect; connection and prepared parts closed after. */
    private <T> T connected(Prepared p, SqlFunction<T> use) throws SQLException {
        Duration timeout = p.config().mysql().timeoutConnect();
        var connector = new MysqlConnector(p.target(), p.credentials(), timeout, tlsProviders(), context.mycnf(), time);
        try (var c = connector.connect()) {
            return use.apply(c);
        } finally {
            connector.close();
        }
    }

    private interface SqlFunction<T> {
        T apply(java.sql.Connection c) throws SQLException;
    }

    /**
     * How often the monitors are to be loaded again for the loaders of this config that ask for it
     * ({@code monitor-loader.aws.refresh}): the shortest; zero when none does.
     */
    Duration refresh(BlipConfig config) {
        Duration every = Duration.ZERO;
        for (Map.Entry<String, Options> e : config.monitorLoader().plugins().entrySet()) {
            MonitorLoader loader = plugins.monitorLoader(e.getKey(), e.getValue().path());
            Duration d = loader.enabled(e.getValue()) ? loader.refresh(e.getValue()) : Duration.ZERO;
            if (d.isPositive() && (every.isZero() || d.compareTo(every) < 0)) {
                every = d;
            }
        }
        return every;
    }

    private List<TlsProvider> tlsProviders() {
        return plugins.tlsProviders().stream().map(Provider::instance).toList();
    }

    /** Checks one monitor: its plan among {@code plans}, then as {@link #prepare(MonitorConfig, MonitorPlans)} does. */
    private Prepared prepare(MonitorConfig m, PlanSet plans) {
        List<String> problems = new ArrayList<>();
        MonitorPlans plan = null;
        try {
            plan = plans.forMonitor(m);
            ExporterSection.Settings exporter = ExporterSection.Settings.of(m.sections().get(ExporterSection.NAME));
            if (exporter.legacy()) {
                // Scrapes only: no level to collect (plan changing would have nothing to change).
                if (exporter.serveLatest()) {
                    problems.add(m.origin() + ".exporter.serve-latest: a monitor with exporter.mode legacy collects"
                            + " no plan, so there is no collection to serve; remove serve-latest or set"
                            + " exporter.mode: dual");
                }
                if (plan.changing()) {
                    problems.add(m.origin() + ".plans.change: a monitor with exporter.mode legacy collects no plan,"
                            + " so there is nothing to change; remove plans.change or set exporter.mode: dual");
                }
                Plan scrapes = plans.exporterPlan(m, exporter.plan());
                plan = MonitorPlans.of(new Plan(scrapes.name(), "exporter.mode legacy: scrapes only", Map.of()))
                        .withExporter(scrapes);
            } else if (exporter.on() || exporter.serveLatest()
                    || !exporter.plan().equals(ExporterSection.DEFAULT_PLAN)) {
                plan = plan.withExporter(plans.exporterPlan(m, exporter.plan()));
                if (exporter.serveLatest() && !servesLatest(plan)) {
                    problems.add(m.origin() + ".exporter.serve-latest: no level of plan " + plan.plan().name()
                            + (plan.changing() ? " (or of the plans it changes to)" : "") + " collects what exporter"
                            + " plan " + plan.exporter().name() + " does (its domains with the same metrics and"
                            + " options), so there is no collection to serve; add such a level or remove serve-latest");
                }
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: monitor {}: plan {}{}", Event.PLANS_LOAD_MONITOR, m.id(), plan.plan().name(),
                        plan.changing() ? "; by state: " + plan.states().keySet() : "");
            }
        } catch (BlipException e) {
            problems.add(e.getMessage());
        }
        return prepare(m, plan, problems);
    }

    /**
     * Checks one monitor with its plan: where and how it connects, its credential source, its sinks.
     *
     * @throws BlipException with every problem of the monitor
     */
    Prepared prepare(MonitorConfig m, MonitorPlans plan) {
        return prepare(m, plan, new ArrayList<>());
    }

    private Prepared prepare(MonitorConfig m, MonitorPlans plan, List<String> problems) {
        ExporterSection.Settings exporter = ExporterSection.Settings.of(m.sections().get(ExporterSection.NAME));
        WebConfig web = exporterProblems(m, exporter, problems);
        ConnectionTarget target = null;
        try {
            target = ConnectionTarget.resolve(m, context.mycnf(), tlsProviders(), time);
        } catch (BlipException e) {
            problems.add(e.getMessage());
        }
        CredentialSource credentials = null;
        try {
            credentials = CredentialSources.make(CredentialContext.of(m, regions, services, time),
                    plugins.credentialSourceFor(m), context.mycnf());
        } catch (BlipException e) {
            problems.add(e.getMessage());
        }
        Map<String, Options> sinkOptions = new LinkedHashMap<>(m.sinks());
        if (exporter.legacy()) {
            // mysqld_exporter's way: Prometheus pulls; the sinks (the fleet's, by default) are not this monitor's.
            if (!sinkOptions.isEmpty()) {
                LOG.info("monitor {}: exporter.mode legacy: serves scrapes only; sinks {} are not used", m.id(),
                        sinkOptions.keySet());
            }
            sinkOptions.clear();
        } else if (sinkOptions.isEmpty()) {
            try {
                String sink = plugins.defaultSink();
                sinkOptions.put(sink, declarations.sinks().get(sink).defaults(m.origin() + ".sinks." + sink));
            } catch (BlipException e) {
                problems.add(m.origin() + ": " + e.getMessage());
            }
        }
        Map<String, SinkFactory> sinkFactories = new LinkedHashMap<>();
        for (String name : sinkOptions.keySet()) {
            try {
                sinkFactories.put(name, plugins.sink(name, sinkOptions.get(name).path()));
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
        return new Prepared(m, plan, target, credentials, sinkFactories, sinkOptions, exporter, web);
    }

    /** Whether a level of any plan the monitor may run answers scrapes of its exporter plan. */
    private static boolean servesLatest(MonitorPlans plan) {
        return plan.all().stream().flatMap(p -> p.levels().values().stream())
                .anyMatch(level -> ExporterScrape.answers(level, plan.exporter()));
    }

    /**
     * Checks the monitor's {@code exporter} keys, each problem added to {@code problems}; returns its
     * listener's web config, read once here, or null for none (or when it has problems).
     */
    private static WebConfig exporterProblems(MonitorConfig m, ExporterSection.Settings exporter,
                                              List<String> problems) {
        WebConfig web = null;
        if (!exporter.webConfigFile().isEmpty()) {
            if (!exporter.on()) {
                problems.add(m.origin() + ".exporter.flags.web.config.file: for the monitor's own listener, which"
                        + " it has with exporter.mode dual or legacy; set one, or remove the key (the API's /probe has"
                        + " the API's token and TLS)");
            } else {
                try {
                    web = WebConfig.read(Path.of(exporter.webConfigFile()),
                            m.origin() + ".exporter.flags.web.config.file");
                } catch (BlipException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (exporter.on()) {
            try {
                ExporterListener.address(exporter.listenAddress(), m.origin() + ".exporter.flags.web.listen-address");
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
            if (!exporter.telemetryPath().startsWith("/")) {
                problems.add(m.origin() + ".exporter.flags.web.telemetry-path: '" + exporter.telemetryPath()
                        + "' does not start with /; e.g. /metrics");
            }
        }
        return web;
    }

    /** Two monitors listening on one address: a problem naming both (and the address). */
    private static void sameListenAddress(List<Prepared> prepared, List<String> problems) {
        Map<String, String> byAddress = new LinkedHashMap<>();
        for (Prepared p : prepared) {
            ExporterSection.Settings exporter = p.exporter();
            if (!exporter.on() || exporter.listenAddress().endsWith(":0")) {
                continue; // port 0: each gets a port of its own
            }
            String other = byAddress.putIfAbsent(exporter.listenAddress(), p.id());
            if (other != null) {
                problems.add("monitors " + other + " and " + p.id() + " both set exporter.flags.web.listen-address "
                        + exporter.listenAddress() + "; each monitor's listener needs an address of its own");
            }
        }
    }

    /**
     * The socket timeout of a monitor's connections: a query still running past its collection's limit,
     * or its scrape's ({@code exporter.scrape-timeout}), is cut off by it, 2 s later. A monitor in legacy
     * mode has no plan of its own, only scrapes.
     */
    static Duration socketTimeout(MonitorPlans plans, Duration scrapeTimeout) {
        Duration longest = plans.all().stream().map(plan -> TimeLimits.of(plan).longest())
                .max(Duration::compareTo).orElse(Duration.ZERO);
        return (scrapeTimeout.compareTo(longest) > 0 ? scrapeTimeout : longest).plusSeconds(2);
    }

    /** Tells the live sinks Blip reloads, so that they read their files (key files) again. */
    void reloadSinks() {
        sinks.reload();
    }

    /** The monitor of prepared parts: its connector and pool, its lanes into its sinks, its collectors. */
    Monitor build(Prepared p, LevelClock levelClock, ExecutorService queries) {
        MonitorConfig config = p.config();
        ExporterSection.Settings exporter = p.exporter();
        Duration socketTimeout = socketTimeout(p.plan(), exporter.scrapeTimeout());
        MysqlConnector connector = new MysqlConnector(p.target(), p.credentials(), socketTimeout, tlsProviders(),
                context.mycnf(), time);
        MonitorPool pool = new MonitorPool(config.id(), connector, config.mysql().timeoutConnect(), time);
        List<SinkQueue.Lane<?>> lanes = new ArrayList<>();
        sinks.serve(config.id(), pool);
        try {
            for (Map.Entry<String, SinkFactory> s : p.sinks().entrySet()) {
                lanes.add(sinks.lane(s.getKey(), s.getValue(), p.sinkOptions().get(s.getKey()), config));
            }
        } catch (Exception e) {
            lanes.forEach(l -> l.close(Duration.ofSeconds(1)));
            pool.close();
            throw new BlipException(config.origin() + ".sinks: " + e.getMessage(), e);
        }
        CollectorContext collectorContext = CollectorContext.of(config, pool, time, regions, services);
        HaManager ha = Monitor.NOT_STANDBY;
        if (p.plan().changing() && plugins.haManagers().size() == 1) {
            try {
                ha = plugins.haManagers().getFirst().instance().make(config);
            } catch (Exception e) {
                lanes.forEach(l -> l.close(Duration.ofSeconds(1)));
                pool.close();
                throw new BlipException(config.origin() + ": the HA manager " + plugins.haManagers().getFirst().name()
                        + " failed: " + e.getMessage(), e);
            }
        }
        var monitor = new Monitor(config, p.plan(), ha, collectors, collectorContext, pool, lanes, levelClock, queries,
                time);
        // /probe and the monitor's own listener: its exporter.plan (Blip's default-exporter unless set), its scrape-timeout.
        monitor.exportWith(p.plan().exporter() != null ? p.plan().exporter() : DefaultPlans.defaultExporter(),
                exporter.scrapeTimeout());
        if (exporter.serveLatest()) {
            monitor.serveLatest();
        }
        if (exporter.on()) {
            try {
                monitor.listen(exporter.listenAddress(), exporter.telemetryPath(), p.web(),
                        config.origin() + ".exporter.flags.web.listen-address");
            } catch (BlipException e) {
                monitor.stop(Duration.ZERO);
                throw e;
            }
        }
        return monitor;
    }
}
