package io.blip.domains.statusglobal;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.MetricHelp;
import io.blip.api.plan.Plan;
import io.blip.api.collect.LevelDomain;
import io.blip.domains.MysqlValues;
import io.blip.api.collect.PerLevel;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads {@code SHOW GLOBAL STATUS} and keeps the variables each level lists, or all of them.
 * Filtering happens here rather than in SQL: the cost of the statement is the server materialising
 * status, whatever the filter (shared/reference/performance.md).
 */
final class StatusGlobalCollector implements Collector {
    static final String SHOW_GLOBAL_STATUS = "SHOW GLOBAL STATUS";

    private static final Set<String> GAUGES = StatusGlobalFactory.HELP.metrics().stream()
            .map(MetricHelp::name).collect(Collectors.toUnmodifiableSet());

    /** @param metrics the variables to keep, lowercase; unused when {@code all} */
    private record AtLevel(boolean all, Set<String> metrics) {
    }

    private final CollectorContext context;
    private volatile PerLevel<AtLevel> levels = PerLevel.none(StatusGlobalFactory.DOMAIN);

    StatusGlobalCollector(CollectorContext context) {
        this.context = context;
    }

    @Override
    public void prepare(Plan plan) {
        levels = PerLevel.of(plan, StatusGlobalFactory.HELP, at -> {
            boolean all = at.yes("all");
            if (!all && at.metrics().isEmpty()) {
                throw at.error("no metrics listed; list status variables in metrics or set option all=yes");
            }
            return new AtLevel(all, Set.copyOf(at.metrics()));
        });
    }

    @Override
    public List<MetricValue> collect(String level) throws SQLException {
        AtLevel at = levels.at(level);
        var values = new ArrayList<MetricValue>(at.all() ? 512 : at.metrics().size());
        try (Connection c = context.db().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(SHOW_GLOBAL_STATUS)) {
            while (rs.next()) {
                String name = rs.getString(1).toLowerCase(Locale.ROOT);
                if (!at.all() && !at.metrics().contains(name)) {
                    continue;
                }
                OptionalDouble value = MysqlValues.parse(rs.getString(2));
                if (value.isPresent()) {
                    MetricType type = GAUGES.contains(name) ? MetricType.GAUGE : MetricType.CUMULATIVE_COUNTER;
                    values.add(new MetricValue(name, value.getAsDouble(), type, Map.of(), Map.of()));
                }
            }
        }
        return values;
    }
}
