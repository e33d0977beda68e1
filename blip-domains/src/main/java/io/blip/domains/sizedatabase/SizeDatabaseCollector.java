package io.blip.domains.sizedatabase;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevelCollector;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Sums data and index length per database from {@code information_schema.tables}. The include or
 * exclude names are bound as parameters, never written into the SQL. The total ({@code db=""}) is
 * the sum of the reported databases; Blip reports it without setting its value, so always 0.
 */
final class SizeDatabaseCollector extends PerLevelCollector<SizeDatabaseCollector.AtLevel> {
    static final String PER_DATABASE = "SELECT table_schema, COALESCE(SUM(data_length + index_length), 0)"
            + " FROM information_schema.tables WHERE %s GROUP BY table_schema";
    static final String ONLY_TOTAL = "SELECT '', COALESCE(SUM(data_length + index_length), 0)"
            + " FROM information_schema.tables WHERE %s";

    /**
     * @param sql       the query
     * @param names     the database names or patterns bound to its parameters
     * @param withTotal whether to add the total to the per-database sizes
     */
    record AtLevel(String sql, List<String> names, boolean withTotal) {
    }

    SizeDatabaseCollector(CollectorContext context) {
        super(context, SizeDatabaseFactory.HELP);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        boolean like = at.yes("like");
        List<String> include = at.list("include");
        boolean including = !include.isEmpty();
        // Like Blip, an empty exclude means the default one.
        List<String> names = including ? include : at.list("exclude");
        if (names.isEmpty()) {
            names = List.of(SizeDatabaseFactory.HELP.options().get("exclude").orElseThrow().defaultValue().split(","));
        }
        String where = including ? matchAny(names.size(), like) : matchNone(names.size(), like);
        String total = at.option("total");
        String sql = String.format(total.equals("only") ? ONLY_TOTAL : PER_DATABASE, where);
        return new AtLevel(sql, names, total.equals("yes"));
    }

    private static String matchAny(int n, boolean like) {
        return like ? "(" + String.join(" OR ", Collections.nCopies(n, "table_schema LIKE ?")) + ")"
                : "table_schema IN (" + String.join(", ", Collections.nCopies(n, "?")) + ")";
    }

    private static String matchNone(int n, boolean like) {
        return like ? "(" + String.join(" AND ", Collections.nCopies(n, "table_schema NOT LIKE ?")) + ")"
                : "table_schema NOT IN (" + String.join(", ", Collections.nCopies(n, "?")) + ")";
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        var values = new ArrayList<MetricValue>();
        query(at.sql(), at.names(), row -> values.add(bytes(row.getString(1), row.getDouble(2))));
        if (at.withTotal()) {
            double total = 0;
            for (MetricValue db : values) {
                total += db.value();
            }
            values.add(bytes("", total));
        }
        return values;
    }

    private static MetricValue bytes(String db, double bytes) {
        return new MetricValue("bytes", bytes, MetricType.GAUGE, Map.of("db", db), Map.of());
    }
}
