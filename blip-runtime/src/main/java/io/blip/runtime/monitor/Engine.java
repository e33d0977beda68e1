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
import io.blip.runtime.plan.ErrorPolicy;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the levels of one monitor's plan: the domains of a level run one after another (each on
 * a thread of {@link QueryThreads}), the next starting when the last has ended or has run
 * {@link #HAND_OVER_AFTER}, so that on a healthy server they share the monitor's one connection and a
 * slow one holds up the others for that long at most. Each is bounded by its time limit; what misses
 * its limit is dropped; what failed is handled by the domain's error policy; what succeeded is delivered even when another domain
 * failed (partial success). The domains' results arrive through a lock the engine waits on with
 * {@link Time#await}, so that time limits run on the monitor's time (virtual in tests).
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
    private final Time time;
    /** Domains whose error policy said {@code stop}. */
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    /** {@code domain/error} pairs already reported under {@code report-once}. */
    private final Set<String> reportedOnce = ConcurrentHashMap.newKeySet();
    /** Per domain: collections in which it failed or missed its time limit. */
    private final Map<String, Long> errors = new ConcurrentHashMap<>();
    private volatile boolean reached = true;

    Engine(String monitorId, Plan plan, Map<String, Collector> collectors, Map<String, CollectorHelp> helps,
           ExecutorService queries, Time time) {
        this.monitorId = monitorId;
        this.plan = plan;
        this.collectors = Map.copyOf(collectors);
        this.helps = Map.copyOf(helps);
        this.limits = TimeLimits.of(plan);
        this.queries = queries;
        this.time = time;
        collectors.keySet().forEach(domain -> errors.put(domain, 0L));
    }

    Plan plan() {
        return plan;
    }

    TimeLimits limits() {
        return limits;
    }

    /** Prepares every collector for the plan; the first failure names its domain. */
    void prepare() throws Exception {
        for (Map.Entry<String, Collector> e : collectors.entrySet()) {
            try {
                e.getValue().prepare(plan);
            } catch (Exception ex) {
                throw new Exception("prepare " + e.getKey() + ": " + message(ex), ex);
            }
        }
        stopped.clear();
    }

    /** Collects one level. Never throws: failures are logged and their values dropped. */
    Metrics collect(Level level, long interval) {
        Instant begin = time.now();
        long start = time.nanoTime();
        long deadline = start + limits.collection().toNanos();
        Results results = new Results();
        Map<String, Future<?>> running = new LinkedHashMap<>();
        String last = null;
        for (Domain domain : level.collect().values()) {
            Collector collector = collectors.get(domain.name());
            if (collector == null || stopped.contains(domain.name())) {
                continue;
            }
            if (last != null) {
                // One after another, on the monitor's one connection: the next starts when the last has
                // ended, or has run HAND_OVER_AFTER (a slow domain does not hold up the others for long).
                long handOver = Math.min(time.nanoTime() + HAND_OVER_AFTER.toNanos(),
                        Math.min(deadline, start + limits.domain(last).toNanos()));
                try {
                    results.await(last, handOver);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            running.put(domain.name(), queries.submit(() -> results.collect(domain.name(),
                    () -> collector.collect(level.name()))));
            last = domain.name();
        }
        Map<String, List<MetricValue>> values = new LinkedHashMap<>();
        var outcome = new Outcome();
        for (Map.Entry<String, Future<?>> r : running.entrySet()) {
            String domain = r.getKey();
            long domainDeadline = Math.min(deadline, start + limits.domain(domain).toNanos());
            Optional<List<MetricValue>> got = await(level, domain, results, r.getValue(), domainDeadline, outcome);
            got.filter(v -> !v.isEmpty()).ifPresent(v -> values.put(domain, v));
        }
        reached = running.isEmpty() || (outcome.failed < running.size() && !outcome.lost);
        return new Metrics(monitorId, plan.name(), level.name(), interval, begin, time.now(), values);
    }

    /** What one domain's collect returned or threw. */
    private record Result(List<MetricValue> values, Throwable error) {
    }

    /** Where the domains of one collection leave their results; the engine waits on it. */
    private final class Results {
        private final Map<String, Result> done = new HashMap<>(); // guarded by this

        /** Runs one domain's collect (on its own thread) and leaves what came of it. */
        void collect(String domain, Callable<List<MetricValue>> collect) {
            Result r;
            try {
                r = new Result(collect.call(), null);
            } catch (Throwable t) {
                r = new Result(null, t);
            }
            synchronized (this) {
                done.put(domain, r);
                notifyAll();
            }
        }

        /** The domain's result, or null when {@code deadline} came first. */
        synchronized Result await(String domain, long deadline) throws InterruptedException {
            while (!done.containsKey(domain) && deadline - time.nanoTime() > 0) {
                time.await(this, deadline);
            }
            return done.get(domain);
        }
    }

    /** What went wrong in one collection. */
    private static final class Outcome {
        int failed;
        boolean lost;
    }

    /** Whether the last collection reached MySQL (see {@link io.blip.api.MonitorHealth#up()}). */
    boolean reached() {
        return reached;
    }

    /** Per domain, collections in which it failed or missed its time limit, so far. */
    Map<String, Long> errors() {
        return new java.util.TreeMap<>(errors);
    }

    private Optional<List<MetricValue>> await(Level level, String domain, Results results, Future<?> task,
                                              long deadlineNanos, Outcome outcome) {
        Result r;
        try {
            r = results.await(domain, deadlineNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel(true);
            return Optional.empty();
        }
        if (r == null) {
            outcome.failed++;
            errors.merge(domain, 1L, Long::sum);
            task.cancel(true);
            LOG.warn("monitor {}: {} of level {} missed its time limit of {} ms; its values are dropped "
                    + "(collector-cmr-timeout)", monitorId, domain, level.name(), limits.domain(domain).toMillis());
            return Optional.empty();
        }
        if (r.error() != null) {
            outcome.failed++;
            outcome.lost |= isConnectionFailure(r.error());
            errors.merge(domain, 1L, Long::sum);
            return onError(level, domain, r.error());
        }
        return Optional.ofNullable(r.values());
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

    private Optional<List<MetricValue>> onError(Level level, String domain, Throwable error) {
        Optional<ErrorHelp> declared = declaredError(domain, error);
        if (declared.isEmpty()) {
            LOG.warn("monitor {}: {} failed in level {}: {} (collector-error)", monitorId, domain, level.name(),
                    message(error));
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
        if (report) {
            LOG.warn("monitor {}: {} in level {}: {}: {} (policy: {})", monitorId, domain, level.name(), name,
                    message(error), text.isEmpty() ? "report,drop,retry" : text);
        }
        if (policy.retry() == ErrorPolicy.RetryAction.STOP) {
            stopped.add(domain);
            LOG.warn("monitor {}: {} stopped until the plan is prepared again (error policy 'stop' for {})",
                    monitorId, domain, name);
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

    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
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
