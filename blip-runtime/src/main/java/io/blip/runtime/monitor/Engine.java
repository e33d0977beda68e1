package io.blip.runtime.monitor;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.ErrorHelp;
import io.blip.api.collect.MetricHelp;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import io.blip.runtime.event.Event;
import io.blip.runtime.mysql.MonitorPool;
import io.blip.api.plan.ErrorPolicy;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Collects the levels of one monitor's plan: the domains of a level run one after another on the
 * collection's thread, the next starting when the last has ended or, on another thread of
 * {@link QueryThreads}, when the last has run {@link #HAND_OVER_AFTER}; so on a healthy server they
 * share the monitor's one connection and one thread, and a slow one holds up the others for that
 * long at most (longer while many collections are in flight at once and share the CPU: then a
 * domain is slow from the crowd, not from MySQL, and another connection would not help). Each is bounded by its time limit; what misses its limit is dropped; what failed is
 * handled by the domain's error policy; what succeeded is delivered even when another domain failed
 * (partial success). The {@link LevelClock} watches each collection in flight and acts at its
 * deadlines, on the monitor's time (virtual in tests); no thread waits beside a collection.
 */
final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /**
     * MySQL error codes that mean the server was not reached or refused the connection: too many
     * connections, access denied, host blocked or not allowed, too many user connections, and the
     * client's can't connect / gone away / lost connection.
     */
    private static final Set<Integer> NOT_REACHED = Set.of(1040, 1045, 1129, 1130, 1203, 2002, 2003, 2006, 2013);
    /** How long a domain runs before the next of its level starts beside it (on a spare connection). */
    static final Duration HAND_OVER_AFTER = Duration.ofMillis(100);

    private final String monitorId;
    private final Plan plan;
    private final Map<String, Collector> collectors;
    private final Map<String, CollectorHelp> helps;
    private final TimeLimits limits;
    private final ExecutorService queries;
    private final LevelClock clock;
    private final Time time;
    /** Domains whose error policy said {@code stop}. */
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    /** {@code domain/error} pairs already reported under {@code report-once}. */
    private final Set<String> reportedOnce = ConcurrentHashMap.newKeySet();
    /** Per domain: collections in which it failed or missed its time limit. */
    private final Map<String, Long> errors = new ConcurrentHashMap<>();
    private volatile boolean reached = true;

    Engine(String monitorId, Plan plan, Map<String, Collector> collectors, Map<String, CollectorHelp> helps,
           ExecutorService queries, LevelClock clock, Time time) {
        this.monitorId = monitorId;
        this.plan = plan;
        this.collectors = Map.copyOf(collectors);
        this.helps = Map.copyOf(helps);
        this.limits = TimeLimits.of(plan);
        this.queries = queries;
        this.clock = clock;
        this.time = time;
        collectors.keySet().forEach(domain -> errors.put(domain, 0L));
    }

    Plan plan() {
        return plan;
    }

    TimeLimits limits() {
        return limits;
    }

    /** A collector could not be prepared: Blip's {@code engine-prepare-error}, logged by the caller (who retries). */
    static final class PrepareException extends Exception {
        PrepareException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Prepares every collector for the plan; the first failure names its domain. */
    void prepare() throws PrepareException {
        LOG.debug("{}: monitor {}: plan {}", Event.ENGINE_PREPARE, monitorId, plan.name());
        for (Map.Entry<String, Collector> e : collectors.entrySet()) {
            try {
                e.getValue().prepare(plan);
            } catch (Exception ex) {
                throw new PrepareException("prepare " + e.getKey() + ": " + message(ex), ex);
            }
        }
        stopped.clear();
        LOG.debug("{}: monitor {}: plan {}", Event.ENGINE_PREPARE_SUCCESS, monitorId, plan.name());
    }

    /** Collects one level on this thread (and others, when a domain is slow) and returns it. */
    Metrics collect(Level level, long interval) {
        CompletableFuture<Metrics> collected = new CompletableFuture<>();
        collect(level, interval, collected::complete);
        return collected.join();
    }

    /**
     * Collects one level and gives the metrics to {@code then}, on the thread that ends the collection:
     * this one on a healthy server, where every domain runs here one after another. Never throws:
     * failures are logged and their values dropped.
     */
    void collect(Level level, long interval, Consumer<Metrics> then) {
        new Run(level, interval, then).start();
    }

    /** What one domain's collect returned or threw. */
    private record Result(List<MetricValue> values, Throwable error) {
    }

    /** The result of a domain cut off at its time limit, or never started before the collection's. */
    private static final Result MISSED = new Result(null, null);
    private static final long MILLISECOND = 1_000_000;
    /** How late after its cut-off a domain may return before it is a {@code collector-fault}. */
    private static final Duration FAULT_AFTER = Duration.ofSeconds(1);
    /**
     * Hand-overs fall on a 10 ms grid of {@link Time#nanoTime()}, so that the collections of many
     * monitors in flight together share the level clock's wake-ups (a hand-over 10 ms late costs
     * nothing; limits are kept to the nanosecond).
     */
    private static final long HAND_OVER_GRID = 10 * MILLISECOND;

    /**
     * One collection of one level, in flight. Its domains run one after another on one thread, the
     * chain; when the chain's domain has run {@link #HAND_OVER_AFTER} (or up to its limit), the level
     * clock, which watches the run, hands the chain to another thread and the slow domain goes on
     * beside it; unless the clock is {@linkplain LevelClock#crowded() crowded} (many monitors
     * collecting at the same second on few cores), where it waits another {@link #HAND_OVER_AFTER}.
     * A domain still running at its time limit is cut off (interrupted, its values dropped),
     * and at the collection's limit every domain not yet started is missed. Whoever leaves the last
     * result, a domain's thread or the clock, ends the collection.
     */
    private final class Run implements LevelClock.Watched {
        private final Level level;
        private final long interval;
        private final Consumer<Metrics> then;
        private final Instant begin = time.now();
        private final long start = time.nanoTime();
        private final long deadline;
        private final List<Domain> domains = new ArrayList<>();
        private final List<Collector> domainCollectors = new ArrayList<>();
        /** Each domain's limit ({@link Time#nanoTime()}): the collection's, or its own if sooner. */
        private final long[] deadlines;
        // All guarded by this.
        private final Result[] results;
        /** The thread running each domain, while it runs. */
        private final Thread[] threads;
        /** When the chain's current domain hands the chain over if still running ({@link Time#nanoTime()}). */
        private long handOverAt;
        private int next;
        private int ended;
        /** The generation of the chain: a chain's thread whose generation has passed stops after its domain. */
        private int chain;
        /** The domain the chain's thread runs now, or -1. */
        private int current = -1;
        private boolean finished;

        Run(Level level, long interval, Consumer<Metrics> then) {
            this.level = level;
            this.interval = interval;
            this.then = then;
            this.deadline = start + limits.collection(level).toNanos();
            for (Domain domain : level.collect().values()) {
                Collector collector = collectors.get(domain.name());
                if (collector != null && !stopped.contains(domain.name())) {
                    domains.add(domain);
                    domainCollectors.add(collector);
                }
            }
            deadlines = new long[domains.size()];
            for (int i = 0; i < deadlines.length; i++) {
                deadlines[i] = Math.min(deadline, start + limits.domain(domains.get(i).name()).toNanos());
            }
            results = new Result[domains.size()];
            threads = new Thread[domains.size()];
        }

        void start() {
            if (domains.isEmpty()) {
                end();
                return;
            }
            clock.watch(this, handOver(0, start));
            chain(0);
        }

        /** Runs domains one after another on this thread for as long as it has the chain. */
        private void chain(int generation) {
            while (true) {
                int i;
                boolean last;
                synchronized (this) {
                    if (generation != chain || next == domains.size()) {
                        return;
                    }
                    i = next++;
                    long now = time.nanoTime();
                    if (now - deadlines[i] >= 0) {
                        // Its limit has passed before its turn came: missed, not started.
                        if (leave(i, MISSED)) {
                            break;
                        }
                        continue;
                    }
                    current = i;
                    threads[i] = Thread.currentThread();
                    handOverAt = handOver(i, now);
                }
                Result r = call(i);
                boolean cutOff;
                synchronized (this) {
                    threads[i] = null;
                    Thread.interrupted(); // a cut-off's interrupt is not the next domain's
                    if (generation == chain) {
                        current = -1;
                    }
                    cutOff = results[i] != null;
                    last = !cutOff && leave(i, r);
                }
                if (cutOff) {
                    faultIfLate(i);
                    continue; // cut off at its limit
                }
                if (last) {
                    break;
                }
            }
            end();
        }

        /**
         * Domain {@code i} returned after it was cut off at its limit: a collector that ignores interruption
         * when that took a second or more, as it held a query thread all the while.
         */
        private void faultIfLate(int i) {
            long late = time.nanoTime() - deadlines[i];
            if (late >= FAULT_AFTER.toNanos()) {
                LOG.warn("{}: monitor {}: {} of level {} returned {} ms after its time limit; it ignores interruption",
                        Event.COLLECTOR_FAULT, monitorId, domains.get(i).name(), level.name(), late / MILLISECOND);
            }
        }

        /** Leaves domain {@code i}'s result; whether it was the last, which ends the collection. */
        private boolean leave(int i, Result r) {
            results[i] = r;
            if (++ended == domains.size() && !finished) {
                finished = true;
                return true;
            }
            return false;
        }

        /** Domain {@code i}'s collect; what it logs names the monitor and domain (the JSON log's fields). */
        private Result call(int i) {
            MDC.put("monitor", monitorId);
            MDC.put("domain", domains.get(i).name());
            try {
                return new Result(domainCollectors.get(i).collect(level.name()), null);
            } catch (Throwable t) {
                return new Result(null, t);
            } finally {
                MDC.remove("domain");
                MDC.remove("monitor");
            }
        }

        /**
         * When domain {@code i}, started at {@code at}, hands the chain over if it is still running: after
         * {@link #HAND_OVER_AFTER}, rounded up to the {@link #HAND_OVER_GRID}, or at its limit.
         */
        private long handOver(int i, long at) {
            long after = at + HAND_OVER_AFTER.toNanos();
            return Math.min(after + Math.floorMod(-after, HAND_OVER_GRID), deadlines[i]);
        }

        @Override
        public long check(long now) {
            boolean last = false;
            long nextCheck = DONE;
            synchronized (this) {
                if (finished) {
                    return DONE;
                }
                for (int i = 0; i < next; i++) {
                    if (results[i] == null && now - deadlines[i] >= 0) {
                        last |= leave(i, MISSED);
                        threads[i].interrupt();
                    }
                }
                if (now - deadline >= 0) {
                    for (; next < domains.size(); next++) {
                        last |= leave(next, MISSED);
                    }
                }
                if (current >= 0 && next < domains.size() && now - handOverAt >= 0) {
                    if (clock.crowded()) {
                        // Slow from sharing the CPU with the other collections in flight, not from
                        // MySQL: another thread and connection would only add to the crowd.
                        handOverAt = handOver(current, now);
                    } else {
                        int generation = ++chain;
                        current = -1;
                        queries.execute(() -> chain(generation));
                    }
                }
                if (!last) {
                    nextCheck = nextCheck(now);
                }
            }
            if (last) {
                queries.execute(this::end);
            }
            return nextCheck;
        }

        /** The earliest of the deadlines still ahead: a running domain's limit, the chain's hand-over. */
        private long nextCheck(long now) {
            long at = next < domains.size() ? deadline : DONE;
            for (int i = 0; i < next; i++) {
                if (results[i] == null) {
                    at = Math.min(at, deadlines[i]);
                }
            }
            if (current >= 0 && next < domains.size()) {
                at = Math.min(at, handOverAt);
            } else if (next < domains.size()) {
                // Between two domains: the next starts no earlier than now, or is missed (by the chain's
                // thread) when its limit has passed.
                at = Math.min(at, Math.max(handOver(next, now), now + MILLISECOND));
            }
            return at;
        }

        /** Hands the collection to {@code then}: each domain's values, or its failure handled. */
        private void end() {
            clock.unwatch(this);
            Map<String, List<MetricValue>> values = new LinkedHashMap<>();
            int failed = 0;
            int notTried = 0;
            boolean lost = false;
            for (int i = 0; i < domains.size(); i++) {
                String domain = domains.get(i).name();
                Result r;
                synchronized (this) {
                    r = results[i];
                }
                if (r == MISSED) {
                    failed++;
                    errors.merge(domain, 1L, Long::sum);
                    // At the collection's limit (Blip's engine max runtime) or at the domain's own, sooner one.
                    boolean collectionLimit = deadlines[i] - deadline >= 0;
                    LOG.warn("{}: monitor {}: {} of level {} missed its time limit of {} ms; its values are dropped",
                            collectionLimit ? Event.ENGINE_EMR_TIMEOUT : Event.COLLECTOR_CMR_TIMEOUT, monitorId, domain,
                            level.name(), (collectionLimit ? limits.collection() : limits.domain(domain)).toMillis());
                } else if (r.error() != null) {
                    failed++;
                    lost |= isConnectionFailure(r.error());
                    notTried += notTried(r.error()) ? 1 : 0;
                    errors.merge(domain, 1L, Long::sum);
                    onError(level, domain, r.error()).filter(v -> !v.isEmpty()).ifPresent(v -> values.put(domain, v));
                } else if (r.values() != null && !r.values().isEmpty()) {
                    values.put(domain, r.values());
                }
            }
            reached = domains.isEmpty() || (failed < domains.size() && !lost);
            if (!reached) {
                // Whether anything is left to send: a domain that answered before the connection was lost
                // keeps its values, and the collection goes to the sinks; one with no values goes nowhere.
                LOG.warn("{}: monitor {}: level {}: {} of {} domains failed{}{}; {}", Event.ENGINE_COLLECT_ERROR,
                        monitorId, level.name(), failed, domains.size(), lost ? "; MySQL was not reached" : "",
                        notTried > 0 ? " (" + notTried + " without a new try: a connection failed earlier in this"
                                + " collection)" : "",
                        values.isEmpty() ? "no values to send"
                                : "values kept from " + values.size() + (values.size() == 1 ? " domain" : " domains"));
            }
            then.accept(new Metrics(monitorId, plan.name(), level.name(), interval, begin, time.now(), values));
        }
    }

    /** Whether the last collection reached MySQL (see {@link io.blip.api.MonitorHealth#up()}). */
    boolean reached() {
        return reached;
    }

    /** Per domain, collections in which it failed or missed its time limit, so far. */
    Map<String, Long> errors() {
        return new java.util.TreeMap<>(errors);
    }

    /**
     * Whether a failure means MySQL was not reached: a connection that could not be made or was lost
     * (SQLState class 08), or one MySQL refused (access denied, too many connections, host blocked).
     */
    static boolean isConnectionFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("28000"))) {
                    return true;
                }
                if (NOT_REACHED.contains(sql.getErrorCode())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the domain did not try to connect, because a connection failed earlier in the collection
     * ({@link MonitorPool.NotTried}): the domain that tried reported why, the level's line counts the others.
     */
    static boolean notTried(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MonitorPool.NotTried) {
                return true;
            }
        }
        return false;
    }

    private Optional<List<MetricValue>> onError(Level level, String domain, Throwable error) {
        Optional<ErrorHelp> declared = declaredError(domain, error);
        boolean tried = !notTried(error);
        if (declared.isEmpty()) {
            if (!tried) {
                return Optional.empty();
            }
            LOG.warn("{}: monitor {}: {} failed in level {}: {}", isBug(error) ? Event.COLLECTOR_PANIC
                    : Event.COLLECTOR_ERROR, monitorId, domain, level.name(), isBug(error) ? error : message(error));
            return Optional.empty();
        }
        String name = declared.get().name();
        Domain planned = level.collect().get(domain);
        String text = planned.errors().getOrDefault(name, "");
        // The plan was validated at boot; a declared error it gives no policy gets the default.
        ErrorPolicy policy = text.isBlank() ? ErrorPolicy.DEFAULT
                : ErrorPolicy.parse(plan.name() + "." + level.name() + "." + domain + ".errors." + name, text);
        boolean report = switch (policy.report()) {
            case REPORT -> true;
            case REPORT_ONCE -> reportedOnce.add(domain + "/" + name);
            case IGNORE -> false;
        };
        if (report && tried) {
            LOG.warn("{}: monitor {}: {} in level {}: {}: {} (policy: {})", Event.COLLECTOR_ERROR, monitorId, domain,
                    level.name(), name, message(error), text.isEmpty() ? "report,drop,retry" : text);
        }
        if (policy.retry() == ErrorPolicy.RetryAction.STOP) {
            stopped.add(domain);
            LOG.warn("{}: monitor {}: {} stopped until the plan is prepared again (error policy 'stop' for {})",
                    Event.COLLECTOR_ERROR, monitorId, domain, name);
        }
        if (policy.metric() == ErrorPolicy.MetricAction.ZERO) {
            return Optional.of(zeros(domain, planned));
        }
        return Optional.empty();
    }

    private Optional<ErrorHelp> declaredError(String domain, Throwable error) {
        CollectorHelp help = helps.get(domain);
        if (help == null) {
            return Optional.empty();
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                int code = sql.getErrorCode();
                for (ErrorHelp e : help.errors().values()) {
                    if (e.mysqlErrorCodes().contains(code)) {
                        return Optional.of(e);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private List<MetricValue> zeros(String domain, Domain planned) {
        CollectorHelp help = helps.get(domain);
        List<MetricValue> zeros = new ArrayList<>();
        for (String metric : planned.metrics()) {
            MetricType type = help == null ? MetricType.GAUGE
                    : help.metric(metric).map(MetricHelp::type).orElse(MetricType.GAUGE);
            zeros.add(new MetricValue(metric, 0, type, Map.of(), Map.of()));
        }
        return zeros;
    }

    /**
     * Whether a domain's failure is what only a bug throws: Go's panic, Blip's {@code collector-panic}. Not
     * every unchecked exception: the AWS SDK, for one, reports a network failure with one.
     */
    static boolean isBug(Throwable t) {
        return t instanceof Error || t instanceof NullPointerException || t instanceof ClassCastException
                || t instanceof IndexOutOfBoundsException || t instanceof ArithmeticException;
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /**
     * Why a connection could not be made, in one line: the error's first line and, when the driver
     * wraps a network error ("Communications link failure"), that error's cause too, e.g.
     * {@code Communications link failure: Connection refused}.
     */
    static String connectMessage(Throwable t) {
        String first = message(t).lines().findFirst().orElse("").strip();
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == t || !(root instanceof IOException)) {
            return first;
        }
        String cause = message(root).lines().findFirst().orElse("").strip();
        return first.contains(cause) ? first : first + ": " + cause;
    }

    @Override
    public void close() {
        collectors.forEach((domain, c) -> {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.warn("monitor {}: {} did not close cleanly: {}", monitorId, domain, message(e));
            }
        });
    }
}
