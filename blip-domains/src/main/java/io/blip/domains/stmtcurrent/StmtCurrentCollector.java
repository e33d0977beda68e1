package io.blip.domains.stmtcurrent;

import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;
import io.blip.api.config.Durations;
import io.blip.domains.PerformanceSchema;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts the active statements that have run for at least {@code slow-threshold} and reports how long
 * the longest has run. A statement is active while its {@code END_EVENT_ID} is null; binary log dump
 * threads (replicas reading the binary log) run one statement for as long as they are connected and
 * are left out, as in Blip. The server sums in one row; its timers are picoseconds, reported in
 * microseconds. The collector's own statement is active too, for a few microseconds.
 *
 * <p>Where we differ from Blip: the server computes the greatest timer and the count in one row
 * instead of sending every active statement's timer (same WHERE, same result); a level that lists no
 * metrics collects both (Blip refuses it). As in Blip's code, {@code slow} counts statements active
 * for the threshold or longer (its docs say "longer than").
 */
final class StmtCurrentCollector extends PerLevelCollector<StmtCurrentCollector.AtLevel> {
    static final String ACTIVE = " FROM " + StmtCurrentFactory.TABLE
            + " WHERE END_EVENT_ID IS NULL AND EVENT_NAME NOT LIKE 'statement/com/Binlog%'";
    private static final double PICOSECONDS_PER_MICROSECOND = 1e6;

    /**
     * @param sql         the level's query: the longest timer and the count at or above the threshold
     * @param slow        whether the level collects {@code slow}
     * @param slowest     whether it collects {@code slowest}
     * @param unavailable why the Performance Schema has nothing to say, or null
     */
    record AtLevel(String sql, boolean slow, boolean slowest, String unavailable) {
        AtLevel on(String why) {
            return new AtLevel(sql, slow, slowest, why);
        }
    }

    StmtCurrentCollector(CollectorContext context) {
        super(context, StmtCurrentFactory.HELP);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        List<String> metrics = at.metricsOrAllDeclared();
        long nanos = threshold(at).toNanos();
        long thresholdPicos = nanos > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : nanos * 1000;
        // A number made here, not text from the plan, so it is written into the SQL.
        String sql = "SELECT COALESCE(MAX(TIMER_WAIT), 0), COUNT(CASE WHEN TIMER_WAIT >= " + thresholdPicos
                + " THEN 1 END)" + ACTIVE;
        return new AtLevel(sql, metrics.contains("slow"), metrics.contains("slowest"), null);
    }

    private static Duration threshold(LevelDomain at) {
        String value = at.option("slow-threshold");
        Duration d = Durations.tryParse(value);
        if (d == null) {
            throw at.error("option slow-threshold='" + value + "' is not a duration; write it like 500ms, 1s or 1.5s");
        }
        if (d.compareTo(Duration.ofNanos(1000)) < 0) {
            throw at.error("option slow-threshold='" + value + "' is less than 1us; write a duration of at least"
                    + " 1us, e.g. 500ms or 1s");
        }
        return d;
    }

    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        String why;
        try (Connection c = context().db().getConnection()) {
            why = PerformanceSchema.whyEmpty(c, List.of("global_instrumentation", "thread_instrumentation",
                    "events_statements_current"), List.of());
        }
        return levels.map(at -> at.on(why));
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        if (at.unavailable() != null) {
            throw PerformanceSchema.unavailable(StmtCurrentFactory.DOMAIN, StmtCurrentFactory.TABLE,
                    at.unavailable());
        }
        var values = new ArrayList<MetricValue>(2);
        query(at.sql(), row -> {
            if (at.slow()) {
                values.add(MetricValue.gauge("slow", row.getLong(2)));
            }
            if (at.slowest()) {
                values.add(MetricValue.gauge("slowest", row.getDouble(1) / PICOSECONDS_PER_MICROSECOND));
            }
        });
        return values;
    }
}
