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
import java.util.concurrent.ConcurrentHashMap;
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

    /** At most this many names are remembered (MySQL has some 500 status variables; MariaDB others). */
    private static final int MAX_NAMES = 4096;

    /** @param metrics the variables to keep, lowercase; unused when {@code all} */
    record AtLevel(boolean all, Set<String> metrics) {
    }

    /** A status variable's metric name (lowercase) and type. */
    private record Name(String name, MetricType type) {
    }

    /**
     * Per name as MySQL spells it ({@code Aborted_clients}), its metric: one lookup per row, where
     * lowercasing made a new string and the type another lookup (3 % of a collection's CPU). One map
     * for every monitor: the names are MySQL's, the same on every server (one map per monitor held
     * 90 MiB with 1,000 monitors).
     */
    private static final Map<String, Name> NAMES = new ConcurrentHashMap<>();

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
            Name name = name(row.getString(1));
            if (!at.all() && !at.metrics().contains(name.name())) {
                return;
            }
            OptionalDouble value = MysqlValues.parse(row.getString(2));
            if (value.isPresent()) {
                values.add(new MetricValue(name.name(), value.getAsDouble(), name.type(), Map.of(), Map.of()));
            }
        });
        return values;
    }

    private static Name name(String mysqlName) {
        Name known = NAMES.get(mysqlName);
        if (known != null) {
            return known;
        }
        String name = mysqlName.toLowerCase(Locale.ROOT);
        Name made = new Name(name, GAUGES.contains(name) ? MetricType.GAUGE : MetricType.CUMULATIVE_COUNTER);
        if (NAMES.size() < MAX_NAMES) {
            NAMES.put(mysqlName, made);
        }
        return made;
    }
}
