package io.blip.domains.waitiotable;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;
import io.blip.api.plan.ErrorPolicy;
import io.blip.domains.PerformanceSchema;
import io.blip.domains.Truncation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the level's columns of {@code performance_schema.table_io_waits_summary_by_table} for each
 * table, and, with {@code truncate-table=yes}, truncates the table after each read so that the counts
 * and sums are the change since the previous collection (delta counters); otherwise they are counters
 * since MySQL started (cumulative). Timers are picoseconds, reported as the Performance Schema gives
 * them, as Blip does.
 *
 * <p>Where we differ from Blip, on purpose:
 * <ul>
 * <li>min, avg and max timers are gauges: a least or greatest wait is not a counter to add up.</li>
 * <li>Truncating needs DROP; a user without it is not truncated for: one warning, and the counters
 *     are reported as cumulative (what they then are).</li>
 * <li>The first collection after start only truncates: its counts go back to when MySQL started (or
 *     someone truncated), not one interval, so they are no delta.</li>
 * <li>The table is one for all levels, so whether the last truncate succeeded is the collector's, not
 *     each level's; the policy's {@code zero} keeps each value's db and tbl.</li>
 * <li>A level that lists no metrics with {@code all=no} is a plan error (Blip collects nothing).</li>
 * </ul>
 */
final class WaitIoTableCollector extends PerLevelCollector<WaitIoTableCollector.AtLevel> {
    private static final Logger log = LoggerFactory.getLogger(WaitIoTableCollector.class);
    private static final String DOMAIN = WaitIoTableFactory.DOMAIN;

    /**
     * @param level       the level name, for messages
     * @param sql         the query: db, table, then the columns
     * @param names       the names bound to its parameters, in order
     * @param columns     the metrics, lowercase, in the order of the query's columns after db and table
     * @param truncate    whether to truncate after reading: truncate-table=yes and the user has DROP
     * @param timeout     truncate-timeout
     * @param onError     the truncate-timeout error policy
     * @param unavailable why the Performance Schema has nothing to say, or null
     */
    record AtLevel(String level, String sql, List<String> names, List<String> columns, boolean truncate,
                   Duration timeout, ErrorPolicy onError, String unavailable) {
        AtLevel on(String why, boolean mayTruncate) {
            return new AtLevel(level, sql, names, columns, truncate && mayTruncate, timeout, onError, why);
        }
    }

    private final Truncation truncation;

    WaitIoTableCollector(CollectorContext context) {
        super(context, WaitIoTableFactory.HELP);
        int dot = WaitIoTableFactory.TABLE.indexOf('.');
        this.truncation = new Truncation(context, DOMAIN, WaitIoTableFactory.TABLE.substring(0, dot),
                WaitIoTableFactory.TABLE.substring(dot + 1), log::warn, true);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        List<String> columns = at.yes("all") ? WaitIoTableFactory.COLUMNS : at.metrics();
        if (columns.isEmpty()) {
            throw at.error("no metrics listed; list some (e.g. count_star, sum_timer_wait) or set option all=yes");
        }
        var names = new ArrayList<String>();
        String sql = "SELECT OBJECT_SCHEMA, OBJECT_NAME, " + String.join(", ", columns).toUpperCase(Locale.ROOT)
                + " FROM " + WaitIoTableFactory.TABLE + " WHERE " + where(at, names);
        return new AtLevel(at.level(), sql, List.copyOf(names), columns, at.yes("truncate-table"),
                Truncation.timeout(at), Truncation.policy(at), null);
    }

    /**
     * The condition on db and table: each include or exclude item is {@code db.table}, {@code db.*} or
     * {@code table} (in any database), as in Blip; include wins over exclude. Adds the names it binds.
     */
    private static String where(LevelDomain at, List<String> names) {
        List<String> include = at.list("include");
        boolean including = !include.isEmpty();
        List<String> items = including ? include : at.list("exclude");
        if (items.isEmpty()) {
            return "TRUE";
        }
        var conditions = new ArrayList<String>();
        for (String item : items) {
            int dot = item.indexOf('.');
            if (dot < 0) {
                names.add(item);
                conditions.add("(OBJECT_NAME = ?)");
            } else if (item.substring(dot + 1).equals("*")) {
                names.add(item.substring(0, dot));
                conditions.add("(OBJECT_SCHEMA = ?)");
            } else {
                names.add(item.substring(0, dot));
                names.add(item.substring(dot + 1));
                conditions.add("(OBJECT_SCHEMA = ? AND OBJECT_NAME = ?)");
            }
        }
        return including ? "(" + String.join(" OR ", conditions) + ")" : "NOT " + String.join(" AND NOT ", conditions);
    }

    /** Checks the Performance Schema and, when a level truncates, whether the user may. */
    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        boolean anyTruncates = levels.levels().values().stream().anyMatch(AtLevel::truncate);
        String why;
        boolean mayTruncate;
        try (Connection c = context().db().getConnection()) {
            why = PerformanceSchema.whyEmpty(c, List.of("global_instrumentation"),
                    List.of("wait/io/table/sql/handler"));
        }
        mayTruncate = anyTruncates && truncation.allowed("collecting cumulative counters; or set truncate-table: no");
        truncation.restart();
        return levels.map(at -> at.on(why, mayTruncate));
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        if (at.unavailable() != null) {
            throw PerformanceSchema.unavailable(DOMAIN, WaitIoTableFactory.TABLE, at.unavailable());
        }
        if (!at.truncate() || truncation.denied()) {
            return read(at, MetricType.CUMULATIVE_COUNTER);
        }
        return truncation.readThenTruncate(at.level(), at.timeout(), at.onError(),
                () -> read(at, MetricType.DELTA_COUNTER));
    }

    private List<MetricValue> read(AtLevel at, MetricType counterType) throws SQLException {
        var values = new ArrayList<MetricValue>();
        List<String> columns = at.columns();
        query(at.sql(), at.names(), row -> {
            var group = Map.of("db", Objects.toString(row.getString(1), ""),
                    "tbl", Objects.toString(row.getString(2), ""));
            for (int i = 0; i < columns.size(); i++) {
                String column = columns.get(i);
                MetricType type = WaitIoTableFactory.isCounter(column) ? counterType : MetricType.GAUGE;
                values.add(new MetricValue(column, row.getDouble(i + 3), type, group, Map.of()));
            }
        });
        return values;
    }
}
