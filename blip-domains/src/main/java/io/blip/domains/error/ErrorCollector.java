package io.blip.domains.error;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;
import io.blip.api.config.Durations;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reports {@code raised}, the errors MySQL raised, per error and per user, host, account or thread
 * as the domain's table sums them, plus their total, from one of the Performance Schema error
 * summary tables (MySQL 8.0+). One class for the five domains: they differ only by table and groups.
 *
 * <p><b>Truncation.</b> With {@code truncate-table=yes} the table is truncated after each read, so
 * each value is the count since the last collection (a delta counter). With
 * {@code truncate-on-startup=yes} (the default) it is truncated once when the plan is prepared.
 * TRUNCATE needs the DROP privilege on the table: a user without it is told once, in one log line
 * naming the monitor, domain and grant, and the domain collects without truncating (cumulative
 * counters). A failed or timed-out truncation is handled by the level's {@code truncate-timeout}
 * error policy ({@link TruncatePolicy}).
 *
 * <p><b>Servers without the tables</b> (MariaDB, MySQL 5.7): the read fails with MySQL error 1146,
 * thrown as is for the plan's {@code table-not-exist} error policy; truncating on startup skips it.
 */
final class ErrorCollector extends PerLevelCollector<ErrorCollector.AtLevel> {
    static final String PERFORMANCE_SCHEMA = "performance_schema";
    private static final Logger LOG = LoggerFactory.getLogger(ErrorCollector.class);

    /**
     * What one level reads and does.
     *
     * @param level           the level's name, for messages
     * @param query           its SELECT
     * @param withTotal       add the totals of the rows read (total=yes)
     * @param truncate        truncate after each read: the level's truncate-table, unless the user lacks DROP
     * @param startup         truncate when the plan is prepared (truncate-on-startup)
     * @param truncateTimeout how long a truncation may take
     * @param policy          the truncate-timeout error policy
     */
    record AtLevel(String level, ErrorQuery query, boolean withTotal, boolean truncate, boolean startup,
                   Duration truncateTimeout, TruncatePolicy policy) {
        MetricType type() {
            return truncate ? MetricType.DELTA_COUNTER : MetricType.CUMULATIVE_COUNTER;
        }

        AtLevel withoutTruncation() {
            return new AtLevel(level, query, withTotal, false, false, truncateTimeout, policy);
        }
    }

    private final ErrorTable table;
    private final String schema;
    private final Consumer<String> warn;
    private final Object truncating = new Object();
    private volatile boolean toldNoDrop;
    /** Whether the last truncation failed, so that the next values cover a longer interval. Guarded by truncating. */
    private boolean lastTruncationFailed;
    /** Levels a failed truncation stopped (policy stop), until the next prepare. Guarded by truncating. */
    private final Set<String> stopped = new HashSet<>();
    /** Levels whose truncation failure was reported (policy report-once). Guarded by truncating. */
    private final Set<String> reported = new HashSet<>();

    ErrorCollector(CollectorContext context, ErrorTable table) {
        this(context, table, PERFORMANCE_SCHEMA, LOG::warn);
    }

    /**
     * For tests only: {@code schema} stands for {@code performance_schema} (a copy of MySQL 8's
     * tables on a server that has none), {@code warn} receives what would be logged as a warning.
     */
    ErrorCollector(CollectorContext context, ErrorTable table, String schema, Consumer<String> warn) {
        super(context, table.help());
        this.table = table;
        this.schema = schema;
        this.warn = warn;
    }

    @Override
    public void prepare(Plan plan) throws Exception {
        PerLevel<AtLevel> levels = prepareLevels(plan);
        for (AtLevel at : levels.levels().values()) {
            checkTimeout(at, plan.levels().get(at.level()));
        }
        PerLevel<AtLevel> ready = levels.levels().isEmpty() ? levels : prepareForServer(levels);
        synchronized (truncating) {
            stopped.clear();
            reported.clear();
            use(ready);
        }
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        ErrorQuery query = ErrorQuery.of(table, schema, at);
        String text = at.option("truncate-timeout");
        Duration timeout = Durations.tryParse(text);
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw at.error("option truncate-timeout='" + text + "' is not a positive duration; write it like 250ms"
                    + " or 1s");
        }
        return new AtLevel(at.level(), query, at.option("total").equals("yes"), at.yes("truncate-table"),
                at.yes("truncate-on-startup"), timeout,
                TruncatePolicy.of(at));
    }

    /** A truncation that may take longer than the level's interval would make collections miss their time. */
    private void checkTimeout(AtLevel at, Level level) {
        if ((at.truncate() || at.startup()) && level != null && at.truncateTimeout().compareTo(level.freq()) >= 0) {
            throw new BlipException(table.domain() + ": level '" + at.level() + "': option"
                    + " truncate-timeout='" + Durations.format(at.truncateTimeout()) + "' must be less than the"
                    + " level's frequency " + Durations.format(level.freq()) + "; write e.g. 250ms");
        }
    }

    /**
     * When some level truncates: checks the DROP privilege (without it, no level truncates), then
     * truncates once if some level asks to on startup.
     */
    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        var truncators = levels.levels().values().stream().filter(at -> at.truncate() || at.startup()).toList();
        if (truncators.isEmpty()) {
            return levels;
        }
        try (Connection c = context().db().getConnection()) {
            if (!Truncation.mayTruncate(c, schema, table.table())) {
                tellNoDrop();
                return levels.map(AtLevel::withoutTruncation);
            }
        }
        truncators.stream().filter(AtLevel::startup).findFirst().ifPresent(this::truncateOnStartup);
        return levels;
    }

    private void tellNoDrop() {
        if (toldNoDrop) {
            return;
        }
        toldNoDrop = true;
        String name = schema + "." + table.table();
        warn.accept("monitor " + context().monitorId() + ": " + table.domain() + ": the MySQL user lacks the DROP"
                + " privilege on " + name + " that TRUNCATE TABLE needs, so the table is never truncated"
                + " (truncate-table and truncate-on-startup are off; raised is a cumulative counter);"
                + " to truncate, GRANT DROP ON " + name + " TO the monitor's user");
    }

    private void truncateOnStartup(AtLevel at) {
        synchronized (truncating) {
            try {
                truncate(at);
                lastTruncationFailed = false;
            } catch (SQLException e) {
                if (e.getErrorCode() == ErrorTable.ER_NO_SUCH_TABLE) {
                    return; // reading fails the same way, for the table-not-exist policy
                }
                // Without it, the first values after a truncating read would cover the time since the
                // last reset of the table, not one interval.
                lastTruncationFailed = true;
                reportTruncationFailure(at, e, "on startup");
            }
        }
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        if (!at.truncate()) {
            return read(at);
        }
        synchronized (truncating) {
            if (stopped.contains(at.level())) {
                return List.of();
            }
            List<MetricValue> values = read(at);
            SQLException failure = null;
            try {
                truncate(at);
            } catch (SQLException e) {
                failure = e;
            }
            return afterTruncation(at, values, failure);
        }
    }

    /**
     * Blip's truncate error policy: the values read before a failed truncation are good (the previous
     * one succeeded); the values of every collection after a failed one, up to and including the one
     * whose truncation succeeds again, cover a longer interval and are dropped, or zeroed.
     */
    private List<MetricValue> afterTruncation(AtLevel at, List<MetricValue> values, SQLException failure) {
        boolean lengthened = lastTruncationFailed;
        lastTruncationFailed = failure != null;
        if (failure != null) {
            reportTruncationFailure(at, failure, "in level " + at.level());
            if (at.policy().stop()) {
                // Blip's error domains set their stop flag and never read it; this stops the level.
                stopped.add(at.level());
                warn.accept("monitor " + context().monitorId() + ": " + table.domain() + " in level " + at.level()
                        + " stopped until the plan is prepared again (error policy 'stop' for "
                        + ErrorTable.TRUNCATE_FAILED + ")");
            }
        }
        if (!lengthened) {
            return values;
        }
        if (!at.policy().zero()) {
            return List.of();
        }
        // Blip's zero values lose their groups (one ungrouped 0 per value); these keep them.
        var zeros = new ArrayList<MetricValue>(values.size());
        for (MetricValue v : values) {
            zeros.add(new MetricValue(v.name(), 0, v.type(), v.group(), v.meta()));
        }
        return zeros;
    }

    private void reportTruncationFailure(AtLevel at, SQLException e, String where) {
        TruncatePolicy policy = at.policy();
        boolean report = policy.report() || policy.reportOnce() && reported.add(at.level());
        if (report) {
            warn.accept("collector-error: monitor " + context().monitorId() + ": " + table.domain() + " " + where
                    + ": " + ErrorTable.TRUNCATE_FAILED + ": " + message(e) + " (policy: " + policy + ")");
        }
    }

    private static String message(SQLException e) {
        return e.getErrorCode() == 0 ? e.getMessage() : "MySQL error " + e.getErrorCode() + ": " + e.getMessage();
    }

    private void truncate(AtLevel at) throws SQLException {
        try (Connection c = context().db().getConnection()) {
            Truncation.truncate(c, schema, table.table(), at.truncateTimeout(), context().time());
        }
    }

    /** The level's rows as values, and their totals unless total=no (or only, when the rows are totals). */
    private List<MetricValue> read(AtLevel at) throws SQLException {
        var values = new ArrayList<MetricValue>();
        int extra = table.columns().size();
        boolean totals = at.withTotal();
        Map<List<String>, Double> totalBy = new LinkedHashMap<>();
        if (totals && extra == 0) {
            totalBy.put(List.of(), 0.0); // Blip reports the global total even when no error was raised
        }
        query(at.query().sql(), at.query().parameters(), row -> {
            double raised = row.getDouble(1); // SUM() of no rows is NULL: 0
            var group = new HashMap<String, String>();
            group.put("error_number", nullToEmpty(row.getString(2)));
            group.put("error_name", nullToEmpty(row.getString(3)));
            var key = new ArrayList<String>(extra);
            for (int i = 0; i < extra; i++) {
                String v = nullToEmpty(row.getString(4 + i));
                group.put(table.groups().get(i), v);
                key.add(v);
            }
            values.add(new MetricValue("raised", raised, at.type(), group, Map.of()));
            if (totals) {
                totalBy.merge(key, raised, Double::sum);
            }
        });
        totalBy.forEach((key, sum) -> {
            var group = new HashMap<String, String>();
            group.put("error_number", "");
            group.put("error_name", "");
            for (int i = 0; i < extra; i++) {
                group.put(table.groups().get(i), key.get(i));
            }
            values.add(new MetricValue("raised", sum, at.type(), group, Map.of()));
        });
        return values;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
