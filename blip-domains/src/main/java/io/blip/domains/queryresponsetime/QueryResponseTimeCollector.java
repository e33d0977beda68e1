package io.blip.domains.queryresponsetime;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;
import io.blip.api.config.Durations;
import io.blip.domains.Grants;
import io.blip.domains.Percentile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the statement histogram's buckets and reports, for each percentile the plan lists, the upper
 * bound of the first bucket whose quantile reaches it (Blip's {@code WHERE bucket_quantile >= p ORDER
 * BY bucket_number LIMIT 1}, here one query for all percentiles), in microseconds; meta {@code pN}
 * says which percentile that bucket really reached. Then, unless {@code truncate-table: no},
 * truncates the table so that the next values cover one interval.
 *
 * <p>Blip reports an error when no statement ran since the last TRUNCATE (no bucket reaches any
 * percentile: "no rows in result set"); here there is nothing to report and no value is.
 */
final class QueryResponseTimeCollector extends PerLevelCollector<QueryResponseTimeCollector.AtLevel> {
    private static final Logger log = LoggerFactory.getLogger(QueryResponseTimeCollector.class);

    private final String schema;
    private final String table;
    private final AtomicBoolean toldNoDrop = new AtomicBoolean();

    /**
     * @param percentiles what to report
     * @param meta        whether to add the percentile reached as meta
     * @param truncate    whether to truncate the table after reading it
     * @param timeout     how long the TRUNCATE may take
     * @param policy      the plan's policy for a failed TRUNCATE
     * @param state       what the level's collections tell the next one; guarded by itself
     */
    record AtLevel(List<Percentile> percentiles, boolean meta, boolean truncate, Duration timeout,
                   TruncatePolicy policy, TruncateState state) {
        AtLevel withoutTruncate() {
            return new AtLevel(percentiles, meta, false, timeout, policy, state);
        }
    }

    QueryResponseTimeCollector(CollectorContext context) {
        this(context, "performance_schema");
    }

    /** Reads the table in another schema: for tests on a copy of MySQL 8's table, where the server has none. */
    QueryResponseTimeCollector(CollectorContext context, String schema) {
        super(context, QueryResponseTimeFactory.HELP);
        this.schema = schema;
        this.table = schema + "." + QueryResponseTimeFactory.TABLE;
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        List<Percentile> percentiles = Percentile.of(at, "p999");
        String timeout = at.option("truncate-timeout");
        Duration limit = Durations.tryParse(timeout);
        if (limit == null || limit.isZero() || limit.isNegative()) {
            throw at.error("option truncate-timeout='" + timeout + "' is not a positive duration; write it like"
                    + " 250ms or 1s");
        }
        return new AtLevel(percentiles, at.yes("real-percentiles"), at.yes("truncate-table"), limit,
                TruncatePolicy.of(at), new TruncateState());
    }

    /** A level truncates only when the user holds DROP on the table (TRUNCATE's privilege). */
    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        if (levels.levels().values().stream().noneMatch(AtLevel::truncate)) {
            return levels;
        }
        boolean mayDrop;
        try (Connection c = context().db().getConnection()) {
            mayDrop = Grants.holds(c, "DROP", schema, QueryResponseTimeFactory.TABLE);
        }
        if (mayDrop) {
            return levels;
        }
        if (toldNoDrop.compareAndSet(false, true)) {
            log.warn("monitor {}: {}: the MySQL user lacks the DROP privilege on {}, which TRUNCATE needs;"
                            + " collecting without truncating, so percentiles cover the time since the table was last"
                            + " reset. Fix: GRANT DROP ON {} TO the monitor's user, or set truncate-table: no",
                    context().monitorId(), QueryResponseTimeFactory.DOMAIN, table, table);
        }
        return levels.map(AtLevel::withoutTruncate);
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        if (at.state().stopped()) {
            return List.of();
        }
        List<MetricValue> values = percentiles(at);
        if (!at.truncate()) {
            return values;
        }
        return at.state().afterTruncate(truncate(at.timeout()), values, at.policy(), this::report);
    }

    private List<MetricValue> percentiles(AtLevel at) throws SQLException {
        // Only the buckets that hold statements: a bucket's quantile rises only where it counts some,
        // so the first bucket reaching a percentile is always one of them.
        var highs = new ArrayList<Double>();
        var quantiles = new ArrayList<Double>();
        query("SELECT bucket_timer_high, bucket_quantile FROM " + table
                + " WHERE count_bucket > 0 ORDER BY bucket_number", row -> {
            highs.add(row.getDouble(1));
            quantiles.add(row.getDouble(2));
        });
        var values = new ArrayList<MetricValue>();
        for (Percentile p : at.percentiles()) {
            for (int i = 0; i < quantiles.size(); i++) {
                if (quantiles.get(i) >= p.fraction()) {
                    // Picoseconds to microseconds, to the nanosecond as Blip rounds it.
                    double us = Math.round(highs.get(i) / 1_000) / 1_000.0;
                    Map<String, String> meta = at.meta() ? Map.of(p.name(), Percentile.reached(quantiles.get(i)))
                            : Map.of();
                    values.add(new MetricValue(p.name(), us, MetricType.GAUGE, Map.of(), meta));
                    break;
                }
            }
        }
        return values;
    }

    /**
     * Truncates the table within {@code timeout}: {@code lock_wait_timeout} (whole seconds) bounds a wait
     * for a metadata lock on the server, and the statement is cancelled (KILL QUERY) once the timeout
     * passes. The session's {@code lock_wait_timeout} is set back, as the connection goes back to the
     * monitor's pool (Blip leaves it changed).
     *
     * @return null when it truncated, else why not
     */
    private SQLException truncate(Duration timeout) {
        long lockWaitSeconds = Math.max(1, (timeout.toNanos() + 999_999_999L) / 1_000_000_000L);
        try (Connection c = context().db().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET @@session.lock_wait_timeout=" + lockWaitSeconds);
            try {
                return within(s, "TRUNCATE TABLE " + table, timeout);
            } finally {
                s.execute("SET @@session.lock_wait_timeout=DEFAULT");
            }
        } catch (SQLException e) {
            return e;
        }
    }

    private SQLException within(Statement s, String sql, Duration timeout) {
        var done = new AtomicBoolean();
        var timedOut = new AtomicBoolean();
        Object lock = new Object();
        var canceller = CompletableFuture.runAsync(() -> {
            synchronized (lock) {
                if (!done.get()) {
                    timedOut.set(true);
                    try {
                        s.cancel();
                    } catch (SQLException e) {
                        log.debug("monitor {}: {}: cancelling the TRUNCATE failed: {}", context().monitorId(),
                                QueryResponseTimeFactory.DOMAIN, e.getMessage());
                    }
                }
            }
        }, CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS));
        try {
            s.execute(sql);
            return null;
        } catch (SQLException e) {
            if (timedOut.get()) {
                return new SQLTimeoutException(sql + " did not finish within truncate-timeout "
                        + Durations.format(timeout) + " (another session holds a lock on the table?)", e);
            }
            return e;
        } finally {
            synchronized (lock) {
                done.set(true);
            }
            canceller.cancel(false);
        }
    }

    private void report(SQLException failure, TruncatePolicy policy) {
        log.warn("monitor {}: {}: {}: {} (policy: {})", context().monitorId(), QueryResponseTimeFactory.DOMAIN,
                TruncatePolicy.ERROR, failure.getMessage(), policy.describe());
    }
}
