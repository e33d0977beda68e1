package io.blip.runtime.prom;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorContext;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
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
            "var.global", "global_variables", "innodb", "info_schema.innodb_metrics", "repl", "slave_status");

    private final String monitorId;
    private final Plan plan;
    /** The sample age gauge of {@code serve-latest} (Blip's own; the exporter has none). */
    public static final String AGE = "blip_exporter_sample_age_seconds";
    private final Level level;
    private final Map<String, CollectorFactory> factories;
    private final CollectorContext context;
    private final Duration timeout;
    private final Time time;
    private final Executor threads;
    /** With {@code serve-latest}: the monitor's latest collection that matches the plan, if any is young enough. */
    private volatile Supplier<Optional<Metrics>> latest;
    // Guarded by this.
    private Map<String, Collector> collectors;
    private Map<String, ServerExtras.InnodbMetric> innodbDescribed;
    private CompletableFuture<String> running;
    private long scrapes;

    /**
     * @param plan      the exporter plan (one level; {@code exporter.plan})
     * @param factories the collector of each domain the plan names
     * @param timeout   the most one scrape may take ({@code exporter.scrape-timeout})
     */
    public ExporterScrape(String monitorId, Plan plan, Map<String, CollectorFactory> factories,
                          CollectorContext context, Duration timeout, Time time) {
        this(monitorId, plan, factories, context, timeout, time, task -> Thread.ofVirtual().start(task));
    }

    /**
     * @param threads where a scrape and its domains' collects run: the monitor's query threads, whose
     *                platform threads wait for MySQL in the kernel, cheaper than a virtual thread's
     *                park and unpark through the JDK's poller for every read
     */
    public ExporterScrape(String monitorId, Plan plan, Map<String, CollectorFactory> factories,
                          CollectorContext context, Duration timeout, Time time, Executor threads) {
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
    }

    /**
     * The text of one scrape: this one's, or that of the scrape running when it was asked for.
     *
     * @throws InterruptedException when the caller is interrupted while it waits
     */
    public String scrape() throws InterruptedException {
        CompletableFuture<String> mine;
        synchronized (this) {
            if (running == null) {
                running = new CompletableFuture<>();
                CompletableFuture<String> r = running;
                threads.execute(() -> r.complete(run()));
            }
            mine = running;
        }
        try {
            return mine.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // run() returns a text whatever fails
        }
    }

    /** One scrape, its problems written as the exporter writes them (up 0, last scrape error 1). */
    private String run() {
        var out = new Exposition();
        long scrapeNumber;
        synchronized (this) {
            scrapeNumber = ++scrapes;
        }
        boolean failed;
        long start = time.nanoTime();
        boolean up;
        try (Connection c = context.db().getConnection()) {
            up = c.isValid((int) Math.max(1, timeout.toSeconds()));
        } catch (SQLException e) {
            log.debug("{}: scrape: cannot connect: {}", monitorId, e.toString());
            up = false;
        }
        double connectSeconds = (time.nanoTime() - start) / 1e9;
        out.add("mysql_up", "Whether the MySQL server is up.", Type.GAUGE, up ? 1 : 0);
        failed = !up || collect(out);
        out.add("mysql_exporter_scrapes_total", "Total number of times MySQL was scraped for metrics.", Type.COUNTER,
                scrapeNumber);
        out.add("mysql_exporter_last_scrape_error",
                "Whether the last scrape of metrics from MySQL resulted in an error (1 for error, 0 for success).",
                Type.GAUGE, failed ? 1 : 0);
        out.add("mysql_exporter_collector_duration_seconds", "Collector time duration.", Type.GAUGE, "collector",
                "connection", connectSeconds);
        synchronized (this) {
            running = null;
        }
        return out.toString();
    }

    /** Collects every domain of the level within the time limit; true when one failed. */
    private boolean collect(Exposition out) {
        long deadline = time.nanoTime() + timeout.toNanos();
        boolean failed = false;
        Map<String, Collector> made;
        try {
            made = collectors();
        } catch (Exception e) {
            log.debug("{}: scrape: preparing the exporter plan failed: {}", monitorId, e.toString());
            return true;
        }
        var durations = new LinkedHashMap<String, Double>();
        Supplier<Optional<Metrics>> source = latest;
        Metrics served = source == null ? null : source.get().orElse(null);
        if (source != null) {
            double age = served == null ? 0 : Math.max(0, Duration.between(served.end(), time.now()).toNanos() / 1e9);
            out.add(AGE, "Age of the collection this scrape's values come from, in seconds (exporter.serve-latest);"
                    + " 0 when collected for this scrape.", Type.GAUGE, age);
        }
        var domains = new java.util.ArrayList<>(made.keySet());
        domains.add("repl"); // every column of the replica status, as the exporter's default collector reads it
        for (String domain : domains) {
            long begin = time.nanoTime();
            try {
                if (domain.equals("repl")) {
                    try (Connection c = context.db().getConnection()) {
                        ServerExtras.slaveStatus(c, out);
                    }
                } else if (served != null && served.values().containsKey(domain)) {
                    translate(domain, served.values().get(domain), out);
                } else {
                    translate(domain, within(made.get(domain), deadline), out);
                }
            } catch (Exception ex) {
                log.debug("{}: scrape: {} failed: {}", monitorId, domain, ex.toString());
                failed = true;
            }
            durations.put("collect." + EXPORTER_COLLECTOR.getOrDefault(domain, domain), (time.nanoTime() - begin) / 1e9);
        }
        durations.forEach((collector, seconds) -> out.add("mysql_exporter_collector_duration_seconds",
                "Collector time duration.", Type.GAUGE, "collector", collector, seconds));
        return failed;
    }

    /** The collector's values, or a timeout once the deadline (on the monitor's time) has passed. */
    private List<MetricValue> within(Collector collector, long deadline) throws Exception {
        if (deadline - time.nanoTime() <= 0) {
            throw new TimeoutException("scrape-timeout of " + timeout.toMillis() + " ms reached");
        }
        CompletableFuture<List<MetricValue>> values = new CompletableFuture<>();
        Object done = new Object();
        var runner = new java.util.concurrent.atomic.AtomicReference<Thread>();
        threads.execute(() -> {
            runner.set(Thread.currentThread());
            try {
                values.complete(collector.collect(level.name()));
            } catch (Throwable e) {
                values.completeExceptionally(e);
            } finally {
                synchronized (runner) {
                    runner.set(null); // done: a late cut-off must not interrupt the thread's next task
                }
            }
            synchronized (done) {
                done.notifyAll();
            }
        });
        synchronized (done) {
            while (!values.isDone() && deadline - time.nanoTime() > 0) {
                time.await(done, deadline);
            }
        }
        if (!values.isDone()) {
            synchronized (runner) {
                Thread t = runner.get();
                if (t != null) {
                    t.interrupt();
                }
            }
            throw new TimeoutException("scrape-timeout of " + timeout.toMillis() + " ms reached");
        }
        try {
            return values.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private void translate(String domain, List<MetricValue> values, Exposition out) throws SQLException {
        switch (domain) {
            case "status.global" -> {
                try (Connection c = context.db().getConnection()) {
                    ExporterNames.globalStatus(values, ServerExtras.wsrepStatus(c), out);
                }
            }
            case "var.global" -> {
                try (Connection c = context.db().getConnection()) {
                    ExporterNames.globalVariables(values, ServerExtras.versions(c), out);
                }
            }
            case "innodb" -> ExporterNames.innodbMetrics(values, innodbDescribed(), out);
            default -> log.debug("{}: scrape: {} has no mysqld_exporter names; left out", monitorId, domain);
        }
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
                    if (domain.equals("repl")) {
                        continue; // read as the exporter reads it, whether the plan names it or not
                    }
                    Collector c = factories.get(domain).make(context);
                    made.put(domain, c);
                    c.prepare(plan);
                }
            } catch (Exception e) {
                made.values().forEach(Collector::close);
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
     * every domain of the plan's one level with the same metrics and options ({@code repl} aside,
     * which a scrape reads as the exporter does).
     */
    public static boolean answers(Level level, Plan exporterPlan) {
        if (exporterPlan.levels().size() != 1) {
            return false;
        }
        return exporterPlan.levels().values().iterator().next().collect().values().stream()
                .allMatch(d -> d.name().equals("repl") || d.equals(level.collect().get(d.name())));
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
            collectors.values().forEach(Collector::close);
            collectors = null;
        }
    }
}
