package io.blip.domains.sizetable;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevelCollector;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads each table's data and index length from {@code information_schema.tables}. Each include or
 * exclude item is {@code db.table}, {@code db.*} (every table of the database) or {@code table}
 * (that table in any database), as in Blip; the names are bound as parameters.
 */
final class SizeTableCollector extends PerLevelCollector<SizeTableCollector.AtLevel> {
    static final String TABLE_SIZES = "SELECT table_schema, table_name, COALESCE(data_length + index_length, 0)"
            + " FROM information_schema.tables WHERE ";

    /**
     * @param sql       the query
     * @param names     the names bound to its parameters, in order
     * @param withTotal whether to add the total of all reported tables
     */
    record AtLevel(String sql, List<String> names, boolean withTotal) {
    }

    SizeTableCollector(CollectorContext context) {
        super(context, SizeTableFactory.HELP);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        List<String> include = at.list("include");
        boolean including = !include.isEmpty();
        List<String> items = including ? include : at.list("exclude");
        if (items.isEmpty()) {
            items = List.of(SizeTableFactory.HELP.options().get("exclude").orElseThrow().defaultValue().split(","));
        }
        var conditions = new ArrayList<String>();
        var names = new ArrayList<String>();
        for (String item : items) {
            conditions.add(condition(item, names));
        }
        // include: any item matches; exclude: no item matches.
        String where = including ? "(" + String.join(" OR ", conditions) + ")"
                : "NOT " + String.join(" AND NOT ", conditions);
        return new AtLevel(TABLE_SIZES + where, List.copyOf(names), at.yes("total"));
    }

    /** The condition matching one item; adds the names it binds. */
    private static String condition(String item, List<String> names) {
        int dot = item.indexOf('.');
        if (dot < 0) {
            names.add(item);
            return "(table_name = ?)";
        }
        names.add(item.substring(0, dot));
        String table = item.substring(dot + 1);
        if (table.equals("*")) {
            return "(table_schema = ?)";
        }
        names.add(table);
        return "(table_schema = ? AND table_name = ?)";
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        var values = new ArrayList<MetricValue>();
        query(at.sql(), at.names(), row -> values.add(bytes(row.getString(1), row.getString(2), row.getDouble(3))));
        if (at.withTotal()) {
            double total = 0;
            for (MetricValue table : values) {
                total += table.value();
            }
            values.add(bytes("", "", total));
        }
        return values;
    }

    private static MetricValue bytes(String db, String table, double bytes) {
        return new MetricValue("bytes", bytes, MetricType.GAUGE, Map.of("db", db, "tbl", table), Map.of());
    }
}
