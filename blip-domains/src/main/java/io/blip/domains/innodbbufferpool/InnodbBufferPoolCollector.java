package io.blip.domains.innodbbufferpool;

import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevelCollector;
import io.blip.domains.innodbbufferpool.InnodbBufferPoolFactory.Column;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads {@code information_schema.innodb_buffer_pool_stats} in one aggregate query: the listed
 * columns, or all of them with {@code all=yes}. Needs the PROCESS privilege (error 1227 otherwise,
 * thrown as is for the plan's {@code access-denied} policy).
 */
final class InnodbBufferPoolCollector extends PerLevelCollector<InnodbBufferPoolCollector.AtLevel> {
    static final String FROM = " FROM information_schema.innodb_buffer_pool_stats";

    private static final Map<String, Column> BY_NAME = Arrays.stream(InnodbBufferPoolFactory.COLUMNS)
            .collect(Collectors.toUnmodifiableMap(Column::name, Function.identity()));

    /**
     * @param sql     the query: one aggregate row
     * @param columns its columns, in order
     */
    record AtLevel(String sql, List<Column> columns) {
    }

    InnodbBufferPoolCollector(CollectorContext context) {
        super(context, InnodbBufferPoolFactory.HELP);
    }

    /**
     * Blip compares option {@code all} with "all", so {@code all=yes} never worked there and, with no
     * metrics listed, it sent "SELECT  FROM ..."; here yes means every column and an empty list is an error.
     */
    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        List<Column> columns;
        if (at.yes("all")) {
            columns = List.of(InnodbBufferPoolFactory.COLUMNS);
        } else {
            List<String> names = at.metrics(); // checked against the help: every name is a column
            if (names.isEmpty()) {
                throw at.error("no metrics listed; list columns of information_schema.innodb_buffer_pool_stats"
                        + " (e.g. free_buffers, modified_database_pages) in metrics or set option all=yes");
            }
            columns = names.stream().map(BY_NAME::get).toList();
        }
        return new AtLevel("SELECT " + columns.stream().map(InnodbBufferPoolCollector::aggregate)
                .collect(Collectors.joining(", ")) + FROM, columns);
    }

    /**
     * Counts and sizes add up over the pools. A per-mille ratio of one pool does not (two pools with a
     * hit rate of 1000 would read 2000), so it is averaged; Blip sums it.
     */
    private static String aggregate(Column c) {
        return (c.ratio() ? "AVG(" : "SUM(") + c.name() + ")";
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        var values = new ArrayList<MetricValue>(at.columns().size());
        query(at.sql(), row -> {
            for (int i = 0; i < at.columns().size(); i++) {
                Column c = at.columns().get(i);
                double value = row.getDouble(i + 1);
                if (!row.wasNull()) { // no pools: NULL sums, nothing to report
                    values.add(new MetricValue(c.name(), value, c.type(), Map.of(), Map.of()));
                }
            }
        });
        return values;
    }
}
