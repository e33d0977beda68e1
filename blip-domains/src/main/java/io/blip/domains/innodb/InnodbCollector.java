package io.blip.domains.innodb;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.MetricHelp;
import io.blip.api.plan.Plan;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
final class InnodbCollector implements Collector {
    static final String SELECT_METRICS = "SELECT subsystem, name, count FROM information_schema.innodb_metrics";
    static final String MYSQL_ENABLED = " WHERE status = 'enabled'";
    static final String MARIADB_ENABLED = " WHERE enabled = 1";
    private static final String PROBE_STATUS_COLUMN = "SELECT status FROM information_schema.innodb_metrics LIMIT 0";
    private static final int ER_BAD_FIELD_ERROR = 1054;

    private static final Set<String> GAUGES = InnodbFactory.HELP.metrics().stream()
            .map(MetricHelp::name).collect(Collectors.toUnmodifiableSet());

    /** @param names the metric names bound to the query's parameters */
    private record AtLevel(String sql, List<String> names) {
    }

    private final CollectorContext context;
    private volatile PerLevel<AtLevel> levels = PerLevel.none(InnodbFactory.DOMAIN);

    InnodbCollector(CollectorContext context) {
        this.context = context;
    }

    @Override
    public void prepare(Plan plan) throws SQLException {
        var prepared = new HashMap<String, AtLevel>();
        var enabledOnly = new ArrayList<String>();
        for (LevelDomain at : LevelDomain.in(plan, InnodbFactory.HELP)) {
            switch (at.option("all")) {
                case "yes" -> prepared.put(at.level(), new AtLevel(SELECT_METRICS, List.of()));
                case "enabled" -> enabledOnly.add(at.level());
                default -> prepared.put(at.level(), listed(at));
            }
        }
        if (!enabledOnly.isEmpty()) {
            String enabled = SELECT_METRICS + enabledCondition();
            enabledOnly.forEach(level -> prepared.put(level, new AtLevel(enabled, List.of())));
        }
        levels = new PerLevel<>(InnodbFactory.DOMAIN, prepared);
    }

    private static AtLevel listed(LevelDomain at) {
        List<String> names = at.metrics();
        if (names.isEmpty()) {
            throw at.error("no metrics listed; list InnoDB metrics in metrics or set option all=yes or all=enabled");
        }
        String params = String.join(", ", Collections.nCopies(names.size(), "?"));
        return new AtLevel(SELECT_METRICS + " WHERE name IN (" + params + ")", names);
    }

    private String enabledCondition() throws SQLException {
        try (Connection c = context.db().getConnection(); Statement s = c.createStatement()) {
            s.executeQuery(PROBE_STATUS_COLUMN).close();
            return MYSQL_ENABLED;
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_BAD_FIELD_ERROR) {
                return MARIADB_ENABLED;
            }
            throw e;
        }
    }

    @Override
    public List<MetricValue> collect(String level) throws SQLException {
        AtLevel at = levels.at(level);
        var values = new ArrayList<MetricValue>();
        try (Connection c = context.db().getConnection(); PreparedStatement s = c.prepareStatement(at.sql())) {
            for (int i = 0; i < at.names().size(); i++) {
                s.setString(i + 1, at.names().get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    // Names are mostly lowercase but not all: buffer_LRU_batch_scanned.
                    String name = rs.getString(2).toLowerCase(Locale.ROOT);
                    MetricType type = GAUGES.contains(name) ? MetricType.GAUGE : MetricType.CUMULATIVE_COUNTER;
                    // Counts could go negative before MySQL 8.0.17 (bug 75966).
                    double count = Math.max(0, rs.getDouble(3));
                    values.add(new MetricValue(name, count, type, Map.of(), Map.of("subsystem", rs.getString(1))));
                }
            }
        }
        return values;
    }
}
