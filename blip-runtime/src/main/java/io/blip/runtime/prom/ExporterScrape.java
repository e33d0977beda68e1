package io.blip.runtime.prom;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import io.blip.runtime.prom.Exposition.Type;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One monitor's scrapes in mysqld_exporter's format: each scrape collects the exporter plan's one
 * level with the plan's domains (collectors of this scrape's own, prepared once) and writes them in
 * the exporter's names, with what the exporter adds ({@code mysql_up}, its own
 * {@code mysql_exporter_*} metrics, {@code mysql_version_info}, {@code mysql_slave_status_*}
 * always, as the exporter's default {@code slave_status} collector). A scrape is given a time limit; scrapes that arrive while one
 * runs share it, so a busy Prometheus never makes MySQL work twice at once.
 */
public final class ExporterScrape implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExporterScrape.class);

    /** The exporter's name of the collector that does what a Blip domain does. */
    private static final Map<String, String> EXPORTER_COLLECTOR = Map.of("status.global", "global_status",
            "var.global", "global_variables", "innodb", "info_schema.innodb_metrics", "repl", "slave_status",
            "size.table", "info_schema.tables", "size.binlog", "binlog_size", "wait.io.table",
            "perf_schema.tableiowaits");

    private final String monitorId;
    private final Plan plan;
    /** The sample age gauge of {@code serve-latest} (Blip's own; the exporter has none). */
    public static final String AGE = "blip_exporter_sample_age_seconds";
    private static final Exposition.Line AGE_LINE = new Exposition.Family(AGE, "Age of the collection this scrape's"
            + " values come from, in seconds (exporter.serve-latest); 0 when collected for this scrape.",
            Type.GAUGE).line();
    private final Level level;
    private final Map<String, CollectorFactory> factories;
    private final CollectorContext context;
    private final Duration timeout;
    private final Time time;
    private final Executor threads;
    private final Alarm alarm;
    /** With {@code serve-latest}: the monitor's latest collection that matches the plan, if any is young enough. */
    private volatile Supplier<Optional<Metrics>> latest;
    // Guarded by this.
    private Map<String, Collector> collectors;
    private Map<String, ServerExtras.InnodbMetric> innodbDescribed;
    private Run running;
    private long scrapes;
    /** How many bytes the last scrape's samples took: the next one's buffer starts so large. */
    private volatile int lastSampleBytes = 16 * 1024;

    private static final Exposition.Line UP = new Exposition.Family("mysql_up", "Whether the MySQL server is up.",
            Type.GAUGE).line();
    private static final Exposition.Line SCRAPES = new Exposition.Family("mysql_exporter_scrapes_total",
            "Total number of times MySQL was scraped for metrics.", Type.COUNTER).line();
    private static final Exposition.Line LAST_ERROR = new Exposition.Family("mysql_exporter_last_scrape_error",
            "Whether the last scrape of metrics from MySQL resulted in an error (1 for error, 0 for success).",
            Type.GAUGE).line();
    private static final Exposition.Family DURATION = new Exposition.Family(
            "mysql_exporter_collector_duration_seconds", "Collector time duration.", Type.GAUGE, "collector");

    /**
     * @param plan      the exporter plan (one level; {@code exporter.plan})
     * @param factories the collector of each domain the plan names
     * @param timeout   the most one scrape may take ({@code exporter.scrape-timeout})
     */
    public ExporterScrape(String monitorId, Plan plan, Map<String, CollectorFactory> factories,
                          CollectorContext context, Duration timeout, Time time) {
        this(monitorId, plan, factories, context, timeout, time, task -> Thread.ofVirtual().start(task),
                sleeper(time));
    }

    /**
     * Runs {@code ring} at {@code atNanos} ({@link Time#nanoTime()}) unless the returned cancel runs
     * first; {@code ring} must return at once.
     */
    @FunctionalInterface
    public interface Alarm {
        Runnable set(long atNanos, Runnable ring);
    }

    /** An alarm of a virtual thread that sleeps in {@code time} until it rings. */
    static Alarm sleeper(Time time) {
        return (at, ring) -> {
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    time.sleep(Duration.ofNanos(at - time.nanoTime()));
                    ring.run();
                } catch (InterruptedException e) {
                    // cancelled
                }
            });
            return t::interrupt;
        };
    }

    /**
     * @param threads where a scrape and its domains' collects run: the monitor's query threads, whose
     *                platform threads wait for MySQL in the kernel, cheaper than a virtual thread's
     *                park and unpark through the JDK's poller for every read
     * @param alarm   what cuts a scrape off at its time limit: the level clock's watch, which costs
     *                nothing while the scrape ends in time (a timed wait of the scraping thread would
     *                go through the JDK's timer for every scrape)
     */
    public ExporterScrape(String monitorId, Plan plan, Map<String, CollectorFactory> factories,
                          CollectorContext context, Duration timeout, Time time, Executor threads, Alarm alarm) {
        if (plan.levels().size() != 1) {
            throw new IllegalArgumentException("plan '" + plan.name() + "': an exporter plan has one level, not "
                    + plan.levels().size());
        }
        this.monitorId = monitorId;
        this.plan = plan;
        this.level = plan.levels().values().iterator().next();
        this.factories = factories;
        this.context = context;
        this.timeout = timeout;
        this.time = time;
        this.threads = threads;
        this.alarm = alarm;
    }

    /**
     * The text of one scrape (UTF-8): this one's, or that of the scrape running when it was asked for.
     *
     * @throws InterruptedException when the caller is interrupted while it waits
     */
    public byte[] scrape() throws InterruptedException {
        Run mine;
        synchronized (this) {
            if (running == null) {
                Run run = new Run(++scrapes, time.nanoTime() + timeout.toNanos());
                running = run;
                run.cancelAlarm = alarm.set(run.deadline, run::ring);
                threads.execute(run::go);
            }
            mine = running;
        }
        return mine.answer();
    }

    /**
     * One scrape. Its domains run one after another on one query thread, and its alarm cuts it off
     * at the time limit: the answer is then what was written by then, the domain that ran over
     * counted to the limit, and the thread is interrupted. Its problems are
     * written as the exporter writes them (up 0, last scrape error 1).
     */
    private final class Run {
        private final long number;
        private final long deadline;
        // Guarded by this.
        private final Exposition out = new Exposition(lastSampleBytes);
        private final Map<String, Double> durations = new LinkedHashMap<>();
        private Thread worker;
        private boolean failed;
        private boolean cut;
        private double connectSeconds;
        /** mysql_up: 1 once MySQL answered the scrape's first query, 0 when it could not; -1 until then. */
        private int up = -1;
        private String domain;
        private long domainBegin;
        private volatile byte[] answer;
        /** Who waits for the answer: not guarded by this, which the run holds while it writes. */
        private final java.util.Queue<Thread> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
        /** The collectors this run took; dropped from the scrape when it is cut off (it closes them). */
        private Map<String, Collector> made;
        /** Set once, before the run starts. */
        Runnable cancelAlarm = () -> {
        };

        Run(long number, long deadline) {
            this.number = number;
            this.deadline = deadline;
        }

        /**
         * The answer once there is one, or what there is at the time limit. Parked, not waiting on
         * this object's monitor, and without taking it: the run holds it while it writes, and a waiter
         * that blocked on it made it a heavy lock, every scrape (a virtual thread woken from a wait also
         * goes through the JDK's unblocker thread, one woken from a park straight to its scheduler).
         */
        byte[] answer() throws InterruptedException {
            byte[] a = answer;
            if (a != null) {
                return a;
            }
            Thread me = Thread.currentThread();
            // Queued, then the answer looked at again: one given meanwhile was set before the queue was read.
            waiting.add(me);
            try {
                while ((a = answer) == null) {
                    java.util.concurrent.locks.LockSupport.park(this);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
                return a;
            } finally {
                waiting.remove(me);
            }
        }

        /** The alarm at the time limit: cut off, unless answered already. */
        synchronized void ring() {
            if (answer == null) {
                cutOff();
            }
        }

        /** Holding this. */
        private void cutOff() {
            cut = true;
            failed = true;
            if (domain != null) {
                durations.put(collectorName(domain), (time.nanoTime() - domainBegin) / 1e9);
            }
            finish();
            if (worker != null) {
                worker.interrupt();
            }
            synchronized (ExporterScrape.this) {
                if (made != null && collectors == made) {
                    collectors = null; // the next scrape prepares its own; this run's thread closes these
                }
            }
        }

        /**
         * Holding this: the exporter's own metrics last, then the text. A scrape asked for once the
         * text is given is a scrape of its own.
         */
        private void finish() {
            synchronized (ExporterScrape.this) {
                if (running == this) {
                    running = null;
                }
            }
            out.add(UP, up == 1 ? 1 : 0);
            out.add(SCRAPES, number);
            out.add(LAST_ERROR, failed ? 1 : 0);
            out.add(DURATION.line("connection"), connectSeconds);
            durations.forEach((collector, seconds) -> out.add(DURATION.line(collector), seconds));
            lastSampleBytes = out.sampleBytes();
            answer = out.toBytes();
            if (!cut) {
                cancelAlarm.run();
            }
            waiting.forEach(java.util.concurrent.locks.LockSupport::unpark);
        }

        void go() {
            synchronized (this) {
                if (cut) {
                    return;
                }
                worker = Thread.currentThread();
            }
            try {
                collect();
            } catch (RuntimeException e) {
                log.debug("{}: scrape: {}", monitorId, e.toString());
                synchronized (this) {
                    failed = true;
                }
            } finally {
                boolean wasCut;
                synchronized (this) {
                    worker = null;
                    wasCut = cut;
                    if (!cut) {
                        finish();
                    }
                }
                if (wasCut && made != null) {
                    made.values().stream().filter(java.util.Objects::nonNull).forEach(Collector::close);
                }
            }
        }

        private void collect() {
            // mysql_up: the exporter pings first. Here the pool's connection (made, or pinged when it was
            // idle long) and then the first domain's query are the ping, which saves MySQL a round trip
            // per scrape: a connection that cannot be had, or a first query that fails for the
            // connection (SQLState 08...), is up 0, as is a scrape cut off before MySQL answered once.
            long start = time.nanoTime();
            boolean connected;
            try {
                context.db().getConnection().close();
                connected = true;
            } catch (SQLException e) {
                log.debug("{}: scrape: cannot connect: {}", monitorId, e.toString());
                connected = false;
            }
            synchronized (this) {
                if (cut) {
                    return;
                }
                connectSeconds = (time.nanoTime() - start) / 1e9;
                if (!connected) {
                    up = 0;
                    failed = true;
                    return;
                }
            }
            Map<String, Collector> collectors;
            try {
                collectors = collectors();
            } catch (Exception e) {
                log.debug("{}: scrape: preparing the exporter plan failed: {}", monitorId, e.toString());
                synchronized (this) {
                    failed = true;
                    up = connectionLost(e) ? 0 : 1;
                }
                return;
            }
            Supplier<Optional<Metrics>> source = latest;
            Metrics served = source == null ? null : source.get().orElse(null);
            synchronized (this) {
                if (cut) {
                    return;
                }
                made = collectors;
                if (source != null) {
                    double age = served == null ? 0
                            : Math.max(0, Duration.between(served.end(), time.now()).toNanos() / 1e9);
                    out.add(AGE_LINE, age);
                }
            }
            var domains = new java.util.ArrayList<>(collectors.keySet());
            if (!domains.contains("repl")) {
                domains.add("repl"); // every column of the replica status, as the exporter's default collector reads it
            }
            for (String d : domains) {
                long begin = time.nanoTime();
                synchronized (this) {
                    if (cut) {
                        return;
                    }
                    domain = d;
                    domainBegin = begin;
                }
                Writing writing;
                boolean lost = false;
                try {
                    writing = read(d, collectors.get(d), served);
                } catch (Exception ex) {
                    log.debug("{}: scrape: {} failed: {}", monitorId, d, ex.toString());
                    writing = null;
                    lost = connectionLost(ex);
                }
                synchronized (this) {
                    if (cut) {
                        return;
                    }
                    if (up < 0) {
                        up = lost ? 0 : 1;
                        if (lost) {
                            failed = true;
                            durations.put(collectorName(d), (time.nanoTime() - begin) / 1e9);
                            return;
                        }
                    }
                    if (writing == null) {
                        failed = true;
                    } else {
                        writing.writeTo(out);
                    }
                    durations.put(collectorName(d), (time.nanoTime() - begin) / 1e9);
                    domain = null;
                }
            }
        }
    }

    /** Whether a domain failed because the connection to MySQL failed (SQLState class 08), not its query. */
    static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** What a domain's reading writes, once it may (the run not cut off). */
    @FunctionalInterface
    private interface Writing {
        void writeTo(Exposition out);
    }

    /** Reads one domain: its values (or those served) and what the exporter reads beside them. */
    private Writing read(String domain, Collector collector, Metrics served) throws Exception {
        // Served: a matching collection's values, where the exporter's names come from a domain's values.
        List<MetricValue> values = served != null && !ONLY_AS_THE_EXPORTER.contains(domain)
                ? served.values().get(domain) : null;
        if (collector == null && values == null) {
            // Read as the exporter reads it: Blip's domains carry less (text values, a table's data and
            // index length as one size, the binary logs' total only).
            ServerExtras.Samples samples;
            try (Connection c = context.db().getConnection()) {
                samples = switch (domain) {
                    case "status.global" -> ServerExtras.globalStatus(c, statusKept());
                    case "var.global" -> ServerExtras.globalVariables(c);
                    case "repl" -> ServerExtras.slaveStatus(c);
                    case "size.table" -> ServerExtras.tables(c, tableFilter("size.table"));
                    case "wait.io.table" -> ServerExtras.tableIoWaits(c, tableFilter("wait.io.table"));
                    default -> ServerExtras.binlogs(c);
                };
            }
            return samples::writeTo;
        }
        if (values == null) {
            values = collector.collect(level.name());
        }
        List<MetricValue> read = values;
        return switch (domain) {
            case "status.global" -> {
                Map<String, String> wsrep = Map.of();
                if (read.stream().anyMatch(v -> v.name().startsWith("wsrep"))) {
                    try (Connection c = context.db().getConnection()) {
                        wsrep = ServerExtras.wsrepStatus(c); // a Galera node's text values
                    }
                }
                Map<String, String> galera = wsrep;
                yield out -> ExporterNames.globalStatus(read, galera, out);
            }
            case "var.global" -> {
                Map<String, String> text;
                try (Connection c = context.db().getConnection()) {
                    text = ServerExtras.versions(c);
                }
                yield out -> ExporterNames.globalVariables(read, text, out);
            }
            case "innodb" -> {
                Map<String, ServerExtras.InnodbMetric> described = innodbDescribed();
                yield out -> ExporterNames.innodbMetrics(read, described, out);
            }
            default -> {
                log.debug("{}: scrape: {} has no mysqld_exporter names; left out", monitorId, domain);
                yield out -> {
                };
            }
        };
    }

    /** The status variables the plan's {@code status.global} lists, or null for all ({@code all=yes}). */
    private java.util.Set<String> statusKept() {
        LevelDomain at = levelDomain("status.global");
        return at.yes("all") ? null : java.util.Set.copyOf(at.metrics());
    }

    private LevelDomain levelDomain(String domain) {
        return new LevelDomain(level.name(), level.collect().get(domain), factories.get(domain).help());
    }

    /**
     * The tables the plan's {@code domain} reports, by its {@code include} or else {@code exclude}
     * items as the domain reads them ({@code db.table}, {@code db.*}, {@code table}; names compared as
     * {@code information_schema} compares them, without case), its default exclude when it has neither.
     */
    private java.util.function.BiPredicate<String, String> tableFilter(String domain) {
        Map<String, String> options = level.collect().get(domain).options();
        String include = options.getOrDefault("include", "");
        boolean including = !include.isBlank();
        String items = including ? include : options.getOrDefault("exclude", factories.get(domain).help()
                .options().get("exclude").map(io.blip.api.config.Option::defaultValue).orElse(""));
        List<String> list = java.util.Arrays.stream(items.split(",")).map(String::trim).filter(i -> !i.isEmpty())
                .toList();
        return (db, table) -> {
            boolean listed = list.stream().anyMatch(item -> {
                int dot = item.indexOf('.');
                if (dot < 0) {
                    return item.equalsIgnoreCase(table);
                }
                String itemTable = item.substring(dot + 1);
                return item.substring(0, dot).equalsIgnoreCase(db)
                        && (itemTable.equals("*") || itemTable.equalsIgnoreCase(table));
            });
            return including == listed;
        };
    }

    /**
     * Whether a scrape reads the domain with the exporter's own queries, not the domain's collector:
     * {@code var.global} when the plan takes all the variables (a list may name a source).
     */
    private static final java.util.Set<String> ONLY_AS_THE_EXPORTER = java.util.Set.of("repl", "size.table",
            "size.binlog", "wait.io.table");

    private boolean readAsTheExporter(String domain) {
        return switch (domain) {
            case "status.global" -> true;
            case "var.global" -> levelDomain(domain).yes("all");
            default -> ONLY_AS_THE_EXPORTER.contains(domain);
        };
    }

    private static String collectorName(String domain) {
        return "collect." + EXPORTER_COLLECTOR.getOrDefault(domain, domain);
    }

    private synchronized Map<String, ServerExtras.InnodbMetric> innodbDescribed() throws SQLException {
        if (innodbDescribed == null) {
            try (Connection c = context.db().getConnection()) {
                innodbDescribed = ServerExtras.innodbMetrics(c);
            }
        }
        return innodbDescribed;
    }

    /** The plan's collectors, made and prepared at the first scrape. */
    private synchronized Map<String, Collector> collectors() throws Exception {
        if (collectors == null) {
            var made = new LinkedHashMap<String, Collector>();
            try {
                for (String domain : level.collect().keySet()) {
                    if (readAsTheExporter(domain)) {
                        made.put(domain, null); // read as the exporter reads it (repl whether the plan names it or not)
                        continue;
                    }
                    Collector c = factories.get(domain).make(context);
                    made.put(domain, c);
                    c.prepare(plan);
                }
            } catch (Exception e) {
                made.values().stream().filter(java.util.Objects::nonNull).forEach(Collector::close);
                throw e;
            }
            collectors = made;
        }
        return collectors;
    }

    /**
     * {@code exporter.serve-latest}: a scrape answers with the values of {@code source}'s collection
     * (a level of the monitor's plan that collects what this plan does) when it gives one, instead
     * of running those domains again, and says how old they are in {@value #AGE}. The server's
     * version strings, InnoDB metric comments and replica status are still read, as every scrape of
     * the exporter reads them.
     */
    public void serveLatest(Supplier<Optional<Metrics>> source) {
        latest = source;
    }

    /**
     * Whether {@code level}'s collections can answer a scrape of {@code exporterPlan}: it collects
     * every domain of the plan's one level with the same metrics and options ({@code repl},
     * {@code size.table} and {@code size.binlog} aside, which a scrape reads as the exporter does).
     */
    public static boolean answers(Level level, Plan exporterPlan) {
        if (exporterPlan.levels().size() != 1) {
            return false;
        }
        return exporterPlan.levels().values().iterator().next().collect().values().stream()
                .allMatch(d -> ONLY_AS_THE_EXPORTER.contains(d.name()) || d.equals(level.collect().get(d.name())));
    }

    /** The plan a scrape collects ({@code exporter.plan}). */
    public Plan plan() {
        return plan;
    }

    /** The most one scrape may take ({@code exporter.scrape-timeout}). */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public synchronized void close() {
        if (collectors != null) {
            collectors.values().stream().filter(java.util.Objects::nonNull).forEach(Collector::close);
            collectors = null;
        }
    }
}
