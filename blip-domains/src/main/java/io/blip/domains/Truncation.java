package io.blip.domains;

import io.blip.api.BlipException;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.config.Durations;
import io.blip.api.plan.ErrorPolicy;
import io.blip.api.plan.Level;
import io.blip.api.time.Time;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One collector's truncation of the Performance Schema table it reads, so that each collection's
 * values cover one interval (Blip's {@code truncate-table}: {@code error.*},
 * {@code query.response-time}, {@code wait.io.table}).
 *
 * <ul>
 *   <li><b>Privilege.</b> TRUNCATE TABLE needs DROP on the table. Without it the collector never
 *   tries: {@link #allowed} says so once (monitor, domain, the grant to add) and the domain collects
 *   without truncating.</li>
 *   <li><b>Time limit.</b> A TRUNCATE waits for the table's metadata lock; it is cancelled at the
 *   level's {@code truncate-timeout} (Blip sets {@code lock_wait_timeout}, whole seconds, so its
 *   250 ms default waits up to a second).</li>
 *   <li><b>Policy.</b> A failed TRUNCATE does not make the values read before it wrong; it makes the
 *   next collection's wrong, whose interval it lengthened. The level's {@code truncate-timeout} error
 *   policy ({@code <report>,<metric>,<retry>}, Blip's {@code errors.TruncateErrorPolicy}) says whether
 *   to report it, whether those lengthened values are dropped or zeroed, and whether the level stops
 *   until the plan is prepared again. The collector applies it, not the engine.</li>
 * </ul>
 * One table, whichever level truncates it: the failure state is the collector's. For a collector
 * of delta counters, the first collection before any TRUNCATE of ours only truncates: its values
 * count from when MySQL started, not one interval. A user whose DROP was revoked while collecting ({@link #denied})
 * is told once, and the collector reads without truncating until the plan is prepared again.
 */
public final class Truncation {
    /** The error a plan gives a policy for. */
    public static final String TIMEOUT_ERROR = "truncate-timeout";
    /** MySQL's "query execution was interrupted": a TRUNCATE cancelled at its time limit. */
    public static final int ER_QUERY_INTERRUPTED = 1317;
    /** MySQL's "table doesn't exist". */
    public static final int ER_NO_SUCH_TABLE = 1146;
    /** Access denied on the table (1142), on the database (1044), or for want of a global privilege (1227). */
    private static final Set<Integer> ACCESS_DENIED = Set.of(1142, 1044, 1227);

    private final CollectorContext context;
    private final String domain;
    private final String schema;
    private final String table;
    private final Consumer<String> warn;
    private final boolean deltas;
    // Guarded by this.
    private boolean toldNoDrop;
    private boolean truncatedOnce;
    private boolean lastFailed;
    private volatile boolean denied;
    private final Set<String> stopped = new HashSet<>();
    private final Set<String> reported = new HashSet<>();

    /**
     * @param warn   receives what is said as a warning (the collector's logger; a list in tests)
     * @param deltas whether the values read are counts since the last TRUNCATE, so that those read
     *               before the first are not reported (a histogram's percentiles are good either way)
     */
    public Truncation(CollectorContext context, String domain, String schema, String table, Consumer<String> warn,
                      boolean deltas) {
        this.context = context;
        this.domain = domain;
        this.schema = schema;
        this.table = table;
        this.warn = warn;
        this.deltas = deltas;
    }

    /** {@code schema.table}. */
    public String name() {
        return schema + "." + table;
    }

    /** The level's {@code truncate-timeout} option: a positive duration. */
    public static Duration timeout(LevelDomain at) {
        String text = at.option("truncate-timeout");
        Duration timeout = Durations.tryParse(text);
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw at.error("option truncate-timeout='" + text + "' is not a positive duration; write it like 250ms"
                    + " or 1s");
        }
        return timeout;
    }

    /** The level's policy for {@link #TIMEOUT_ERROR}, or {@link ErrorPolicy#DEFAULT} when the plan gives none. */
    public static ErrorPolicy policy(LevelDomain at) {
        String text = at.domain().errors().get(TIMEOUT_ERROR);
        if (text == null) {
            return ErrorPolicy.DEFAULT;
        }
        try {
            return ErrorPolicy.parse("error policy " + TIMEOUT_ERROR, text);
        } catch (BlipException e) {
            throw at.error(e.getMessage());
        }
    }

    /** A truncation that may take as long as the level's interval would make its collections miss their time. */
    public static void checkTimeout(String domain, String level, Duration timeout, Level planned) {
        if (planned != null && timeout.compareTo(planned.freq()) >= 0) {
            throw new BlipException(domain + ": level '" + level + "': option truncate-timeout='"
                    + Durations.format(timeout) + "' must be less than the level's frequency "
                    + Durations.format(planned.freq()) + "; write e.g. 250ms");
        }
    }

    /**
     * Whether the monitor's user holds DROP on the table; when not, says so once.
     *
     * @param without what the domain does without truncating, for the message
     */
    public boolean allowed(String without) throws SQLException {
        boolean mayDrop;
        try (Connection c = context.db().getConnection()) {
            mayDrop = Grants.holds(c, "DROP", schema, table);
        }
        if (!mayDrop) {
            tellNoDrop(without);
        }
        return mayDrop;
    }

    private synchronized void tellNoDrop(String without) {
        if (!toldNoDrop) {
            toldNoDrop = true;
            warn.accept("monitor " + context.monitorId() + ": " + domain + ": the MySQL user lacks the DROP"
                    + " privilege on " + name() + " that TRUNCATE TABLE needs, so the table is never"
                    + " truncated (" + without + "); to truncate, GRANT DROP ON " + name()
                    + " TO the monitor's user");
        }
    }

    /**
     * Whether a TRUNCATE was refused for want of a privilege since the plan was prepared (DROP
     * revoked): the collector then reads without truncating, cumulative counters.
     */
    public boolean denied() {
        return denied;
    }

    /** A plan prepared again: no level stopped, and a report-once failure is reported once more. */
    public synchronized void restart() {
        stopped.clear();
        reported.clear();
        denied = false;
    }

    /** What one collection reads before the table is truncated. */
    @FunctionalInterface
    public interface Read {
        List<MetricValue> values() throws SQLException;
    }

    /**
     * Reads, then truncates within {@code timeout}, one collection at a time: the values as read, or
     * as the policy has them when the interval they cover was lengthened by a failed TRUNCATE (the
     * last one, or this one's predecessor); nothing once the policy stopped the level.
     */
    public synchronized List<MetricValue> readThenTruncate(String level, Duration timeout, ErrorPolicy policy,
                                                           Read read) throws SQLException {
        if (stopped.contains(level)) {
            return List.of();
        }
        List<MetricValue> values = read.values();
        boolean first = deltas && !truncatedOnce;
        SQLException failure = null;
        try {
            truncate(timeout);
            truncatedOnce = true;
        } catch (SQLException e) {
            failure = e;
            if (ACCESS_DENIED.contains(e.getErrorCode())) {
                // DROP revoked after prepare: read without truncating rather than fail every collection.
                denied = true;
                tellNoDrop("its DROP privilege was revoked; collecting cumulative counters");
            }
        }
        boolean lengthened = lastFailed;
        lastFailed = failure != null;
        if (failure != null) {
            report(level, policy, failure, "in level " + level);
            if (policy.retry() == ErrorPolicy.RetryAction.STOP) {
                // Blip's error domains set their stop flag and never read it; this stops the level.
                stopped.add(level);
                warn.accept("monitor " + context.monitorId() + ": " + domain + " in level " + level
                        + " stopped until the plan is prepared again (error policy 'stop' for " + TIMEOUT_ERROR + ")");
            }
        }
        if (first) {
            return List.of(); // counted since MySQL started, not over one interval
        }
        if (!lengthened) {
            return values;
        }
        if (policy.metric() == ErrorPolicy.MetricAction.DROP) {
            return List.of();
        }
        // Blip's zero values lose their groups (one ungrouped 0 per value); these keep them, not their
        // meta, which described the values read.
        var zeros = new ArrayList<MetricValue>(values.size());
        for (MetricValue v : values) {
            zeros.add(new MetricValue(v.name(), 0, v.type(), v.group(), java.util.Map.of()));
        }
        return zeros;
    }

    /**
     * Truncates the table when the plan is prepared, so that the first values cover one interval; a
     * table the server lacks is left to the reading (and its {@code table-not-exist} policy).
     */
    public synchronized void truncateOnStartup(String level, Duration timeout, ErrorPolicy policy) {
        try {
            truncate(timeout);
            truncatedOnce = true;
            lastFailed = false;
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_NO_SUCH_TABLE) {
                return;
            }
            // Without it, the first values after a truncating read would cover the time since the
            // table was last reset, not one interval.
            lastFailed = true;
            report(level, policy, e, "on startup");
        }
    }

    private void report(String level, ErrorPolicy policy, SQLException e, String where) {
        boolean say = switch (policy.report()) {
            case REPORT -> true;
            case REPORT_ONCE -> reported.add(level);
            case IGNORE -> false;
        };
        if (say) {
            String message = e.getErrorCode() == 0 ? e.getMessage()
                    : "MySQL error " + e.getErrorCode() + ": " + e.getMessage();
            warn.accept("collector-error: monitor " + context.monitorId() + ": " + domain + " " + where + ": "
                    + TIMEOUT_ERROR + ": " + message + " (policy: " + policy + ")");
        }
    }

    /**
     * Truncates the table, cancelling the statement when it has not finished within {@code timeout}.
     * The session's {@code lock_wait_timeout} is set too (it bounds a wait that a lost cancel would
     * leave) and put back afterwards: the connection returns to the monitor's pool.
     *
     * @throws SQLException the server's error, or {@link #ER_QUERY_INTERRUPTED} when cancelled
     */
    public void truncate(Duration timeout) throws SQLException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        try (Connection c = context.db().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET @@session.lock_wait_timeout = " + seconds);
            try {
                truncateWithin(s, timeout);
            } finally {
                s.execute("SET @@session.lock_wait_timeout = DEFAULT");
            }
        }
    }

    private void truncateWithin(Statement s, Duration timeout) throws SQLException {
        Time time = context.time();
        var watch = new Watchdog(s, time, time.nanoTime() + timeout.toNanos());
        Thread watching = Thread.ofVirtual().name("truncate-timeout " + name()).start(watch);
        try {
            s.execute("TRUNCATE TABLE " + name());
        } catch (SQLException e) {
            if (watch.cancelled()) {
                throw new SQLException("TRUNCATE TABLE " + name() + " did not finish within truncate-timeout "
                        + Durations.format(timeout) + " and was cancelled", "70100", ER_QUERY_INTERRUPTED, e);
            }
            throw e;
        } finally {
            watch.finished();
            try {
                watching.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Cancels the statement at the deadline unless it finished first; never after it finished. */
    private static final class Watchdog implements Runnable {
        private final Statement statement;
        private final Time time;
        private final long deadline;
        private boolean finished;
        private boolean cancelled;

        Watchdog(Statement statement, Time time, long deadline) {
            this.statement = statement;
            this.time = time;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            synchronized (this) {
                try {
                    while (!finished && deadline - time.nanoTime() > 0) {
                        time.await(this, deadline);
                    }
                    if (!finished) {
                        // Under the lock, so the statement cannot finish and the connection move on
                        // to another statement between the check and the cancel.
                        cancelled = true;
                        statement.cancel();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (SQLException e) {
                    // The statement goes on to lock_wait_timeout, which bounds it too.
                }
            }
        }

        synchronized void finished() {
            finished = true;
            notifyAll();
        }

        synchronized boolean cancelled() {
            return cancelled;
        }
    }
}
