package io.blip.domains.statusglobal;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.MetricHelp;
import io.blip.api.collect.PerLevelCollector;
import io.blip.domains.MysqlValues;

import java.sql.SQLException;
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
final class StatusGlobalCollector extends PerLevelCollector<StatusGlobalCollector.AtLevel> {
    static final String SHOW_GLOBAL_STATUS = "SHOW GLOBAL STATUS";

    private static final Set<String> GAUGES = StatusGlobalFactory.HELP.metrics().stream()
            .map(MetricHelp::name).collect(Collectors.toUnmodifiableSet());

    /** @param metrics the variables to keep, lowercase; unused when {@code all} */
    record AtLevel(boolean all, Set<String> metrics) {
    }

    StatusGlobalCollector(CollectorContext context) {
        super(context, StatusGlobalFactory.HELP);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        boolean all = at.yes("all");
        if (!all && at.metrics().isEmpty()) {
            throw at.error("no metrics listed; list status variables in metrics or set option all=yes");
        }
        return new AtLevel(all, Set.copyOf(at.metrics()));
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        var values = new ArrayList<MetricValue>(at.all() ? 512 : at.metrics().size());
        query(SHOW_GLOBAL_STATUS, row -> {
            String name = row.getString(1).toLowerCase(Locale.ROOT);
            if (!at.all() && !at.metrics().contains(name)) {
                return;
            }
            OptionalDouble value = MysqlValues.parse(row.getString(2));
            if (value.isPresent()) {
                MetricType type = GAUGES.contains(name) ? MetricType.GAUGE : MetricType.CUMULATIVE_COUNTER;
                values.add(new MetricValue(name, value.getAsDouble(), type, Map.of(), Map.of()));
            }
        });
        return values;
    }
}
