package io.blip.domains.perconaresponsetime;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;
import io.blip.domains.Grants;
import io.blip.domains.Percentile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the plugin's buckets and reports, for each percentile the plan lists, the mean response time of
 * the first bucket whose running count reaches it ({@link QrtHistogram}), in microseconds; meta
 * {@code pN} says which percentile that bucket really reached. Then, unless {@code flush: no}, flushes
 * the plugin's counts so that the next values cover one interval.
 *
 * <p>Differences from Blip: when no query was counted there is no value (Blip reports NaN, 0/0); when
 * the flush fails the values read are still reported and the failure logged (Blip drops the values and
 * reports the flush's error: but they were read before it, and are right); Blip flushes with {@code SET
 * GLOBAL query_response_time_flush=1} alone, which needs SUPER, and here a user with RELOAD but not
 * SUPER flushes with {@code FLUSH QUERY_RESPONSE_TIME}; a user allowed neither (or whose privilege is
 * revoked while collecting) is told once and collects without flushing. A missing plugin is MySQL's
 * error 1109, which the engine handles with the plan's {@code unknown-table} policy.
 */
final class PerconaResponseTimeCollector extends PerLevelCollector<PerconaResponseTimeCollector.AtLevel> {
    private static final Logger log = LoggerFactory.getLogger(PerconaResponseTimeCollector.class);

    static final String TABLE = "information_schema.QUERY_RESPONSE_TIME";
    static final String FLUSH_BY_VARIABLE = "SET GLOBAL query_response_time_flush=1";
    static final String FLUSH_STATEMENT = "FLUSH QUERY_RESPONSE_TIME";
    /** Access denied for want of a global privilege (SUPER, RELOAD). */
    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

    private final AtomicBoolean toldNoFlush = new AtomicBoolean();
    /** The flush was refused for want of a privilege since the plan was prepared. */
    private volatile boolean flushDenied;

    /**
     * @param percentiles what to report
     * @param meta        whether to add the percentile reached as meta
     * @param flush       the statement that flushes the counts after reading them; null for none
     */
    record AtLevel(List<Percentile> percentiles, boolean meta, String flush) {
        AtLevel flushingWith(String statement) {
            return new AtLevel(percentiles, meta, flush == null ? null : statement);
        }
    }

    PerconaResponseTimeCollector(CollectorContext context) {
        super(context, PerconaResponseTimeFactory.HELP);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        return new AtLevel(Percentile.of(at, "p999"), at.yes("real-percentiles"),
                at.yes("flush") ? FLUSH_BY_VARIABLE : null);
    }

    /**
     * Flushes the way the user may: Blip's {@code SET GLOBAL query_response_time_flush=1} needs SUPER,
     * {@code FLUSH QUERY_RESPONSE_TIME} (Percona and MariaDB) needs RELOAD.
     */
    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        flushDenied = false;
        if (levels.levels().values().stream().allMatch(at -> at.flush() == null)) {
            return levels;
        }
        String flush;
        try (Connection c = context().db().getConnection()) {
            flush = Grants.holdsGlobal(c, "SUPER") ? FLUSH_BY_VARIABLE
                    : Grants.holdsGlobal(c, "RELOAD") ? FLUSH_STATEMENT : null;
        }
        if (flush == null) {
            tellNoFlush("the MySQL user lacks both SUPER (for " + FLUSH_BY_VARIABLE + ") and RELOAD (for "
                    + FLUSH_STATEMENT + ")");
        }
        return levels.map(at -> at.flushingWith(flush));
    }

    private void tellNoFlush(String why) {
        if (toldNoFlush.compareAndSet(false, true)) {
            log.warn("monitor {}: {}: {}; collecting without flushing, so percentiles cover the time since the"
                            + " last flush. Fix: GRANT RELOAD ON *.* TO the monitor's user, or set flush: no",
                    context().monitorId(), PerconaResponseTimeFactory.DOMAIN, why);
        }
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        var buckets = new ArrayList<QrtHistogram.Bucket>();
        query("SELECT time, count, total FROM " + TABLE, row -> {
            QrtHistogram.Bucket b = QrtHistogram.Bucket.parse(row.getString(1), row.getLong(2), row.getString(3));
            if (b != null) {
                buckets.add(b);
            }
        });
        var histogram = new QrtHistogram(buckets);
        var values = new ArrayList<MetricValue>();
        for (Percentile p : at.percentiles()) {
            histogram.percentile(p.fraction()).ifPresent(r -> values.add(new MetricValue(p.name(),
                    r.seconds() * 1_000_000, MetricType.GAUGE, Map.of(),
                    at.meta() ? Map.of(p.name(), Percentile.reached(r.reached())) : Map.of())));
        }
        if (at.flush() != null && !flushDenied) {
            flush(at.flush());
        }
        return values;
    }

    private void flush(String statement) {
        try (Connection c = context().db().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_SPECIFIC_ACCESS_DENIED) {
                // The privilege was revoked after prepare: read without flushing rather than fail every time.
                flushDenied = true;
                tellNoFlush(statement + " was refused (" + e.getMessage() + ")");
                return;
            }
            log.warn("monitor {}: {}: {} failed, so the next values also cover this interval: {}",
                    context().monitorId(), PerconaResponseTimeFactory.DOMAIN, statement, e.getMessage());
        }
    }
}
