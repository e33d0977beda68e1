package io.blip.domains.queryresponsetime;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;
import io.blip.api.plan.ErrorPolicy;
import io.blip.domains.Percentile;
import io.blip.domains.Truncation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    private final String table;
    private final Truncation truncation;

    /**
     * @param percentiles what to report
     * @param meta        whether to add the percentile reached as meta
     * @param truncate    whether to truncate the table after reading it
     * @param timeout     how long the TRUNCATE may take
     * @param policy      the plan's policy for a failed TRUNCATE
     */
    record AtLevel(String level, List<Percentile> percentiles, boolean meta, boolean truncate, Duration timeout,
                   ErrorPolicy policy) {
        AtLevel withoutTruncate() {
            return new AtLevel(level, percentiles, meta, false, timeout, policy);
        }
    }

    QueryResponseTimeCollector(CollectorContext context) {
        this(context, "performance_schema");
    }

    /** Reads the table in another schema: for tests on a copy of MySQL 8's table, where the server has none. */
    QueryResponseTimeCollector(CollectorContext context, String schema) {
        super(context, QueryResponseTimeFactory.HELP);
        this.table = schema + "." + QueryResponseTimeFactory.TABLE;
        this.truncation = new Truncation(context, QueryResponseTimeFactory.DOMAIN, schema,
                QueryResponseTimeFactory.TABLE, log::warn, false);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        List<Percentile> percentiles = Percentile.of(at, "p999");
        return new AtLevel(at.level(), percentiles, at.yes("real-percentiles"), at.yes("truncate-table"),
                Truncation.timeout(at), Truncation.policy(at));
    }

    /** A level truncates only when the user holds DROP on the table (TRUNCATE's privilege). */
    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        if (levels.levels().values().stream().noneMatch(AtLevel::truncate)) {
            return levels;
        }
        truncation.restart();
        if (truncation.allowed("percentiles cover the time since the table was last reset; or set"
                + " truncate-table: no")) {
            return levels;
        }
        return levels.map(AtLevel::withoutTruncate);
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        if (!at.truncate()) {
            return percentiles(at);
        }
        return truncation.readThenTruncate(at.level(), at.timeout(), at.policy(), () -> percentiles(at));
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
}
