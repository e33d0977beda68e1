package io.blip.domains.innodb;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.MetricHelp;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads {@code information_schema.innodb_metrics}: the listed metrics, all of them, or the enabled
 * ones. MySQL marks enabled metrics with {@code STATUS='enabled'}; MariaDB has no STATUS column but
 * an integer {@code ENABLED} one (Blip's query fails there), so {@code prepare} looks which exists.
 */
final class InnodbCollector extends PerLevelCollector<InnodbCollector.AtLevel> {
    static final String SELECT_METRICS = "SELECT subsystem, name, count FROM information_schema.innodb_metrics";
    static final String MYSQL_ENABLED = " WHERE status = 'enabled'";
    static final String MARIADB_ENABLED = " WHERE enabled = 1";
    private static final String PROBE_STATUS_COLUMN = "SELECT status FROM information_schema.innodb_metrics LIMIT 0";
    private static final int ER_BAD_FIELD_ERROR = 1054;

    private static final Set<String> GAUGES = InnodbFactory.HELP.metrics().stream()
            .map(MetricHelp::name).collect(Collectors.toUnmodifiableSet());

    /**
     * @param sql         the query
     * @param names       the metric names bound to the query's parameters
     * @param enabledOnly whether the level reads the enabled metrics: {@code prepare} adds the
     *                    server's condition for them to {@code sql}
     */
    record AtLevel(String sql, List<String> names, boolean enabledOnly) {
    }

    InnodbCollector(CollectorContext context) {
        super(context, InnodbFactory.HELP);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        return switch (at.option("all")) {
            case "yes" -> new AtLevel(SELECT_METRICS, List.of(), false);
            case "enabled" -> new AtLevel(SELECT_METRICS, List.of(), true);
            default -> listed(at);
        };
    }

    /** Adds the server's condition for enabled metrics to the levels that read them. */
    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        if (levels.levels().values().stream().noneMatch(AtLevel::enabledOnly)) {
            return levels;
        }
        String enabled = SELECT_METRICS + enabledCondition();
        return levels.map(at -> at.enabledOnly() ? new AtLevel(enabled, List.of(), true) : at);
    }

    private static AtLevel listed(LevelDomain at) {
        List<String> names = at.metrics();
        if (names.isEmpty()) {
            throw at.error("no metrics listed; list InnoDB metrics in metrics or set option all=yes or all=enabled");
        }
        String params = String.join(", ", Collections.nCopies(names.size(), "?"));
        return new AtLevel(SELECT_METRICS + " WHERE name IN (" + params + ")", names, false);
    }

    private String enabledCondition() throws SQLException {
        try {
            query(PROBE_STATUS_COLUMN, row -> { }); // LIMIT 0: whether the column exists is the answer
            return MYSQL_ENABLED;
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_BAD_FIELD_ERROR) {
                return MARIADB_ENABLED;
            }
            throw e;
        }
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        var values = new ArrayList<MetricValue>();
        query(at.sql(), at.names(), row -> {
            // Names are mostly lowercase but not all: buffer_LRU_batch_scanned.
            String name = row.getString(2).toLowerCase(Locale.ROOT);
            MetricType type = GAUGES.contains(name) ? MetricType.GAUGE : MetricType.CUMULATIVE_COUNTER;
            // Counts could go negative before MySQL 8.0.17 (bug 75966).
            double count = Math.max(0, row.getDouble(3));
            values.add(new MetricValue(name, count, type, Map.of(), Map.of("subsystem", row.getString(1))));
        });
        return values;
    }
}
