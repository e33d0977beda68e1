package io.blip.domains.autoinc;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevelCollector;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads each auto-increment column's next value ({@code TABLES.AUTO_INCREMENT}) and reports it as a
 * percentage of the largest value its integer type holds. Include and exclude items are
 * {@code db.table}, {@code db.*} or {@code table}, as in {@code size.table}; names are bound as
 * parameters.
 */
final class AutoincCollector extends PerLevelCollector<AutoincCollector.AtLevel> {
    /**
     * Blip's query, with one change: MariaDB's system-versioned tables have TABLE_TYPE 'SYSTEM VERSIONED',
     * not 'BASE TABLE', and Blip leaves their auto-increment columns out.
     */
    static final String AUTO_INCREMENTS = "SELECT C.TABLE_SCHEMA, C.TABLE_NAME, C.COLUMN_NAME, C.DATA_TYPE,"
            + " (LOCATE('unsigned', C.COLUMN_TYPE) > 0) AS is_unsigned, T.AUTO_INCREMENT"
            + " FROM information_schema.COLUMNS C"
            + " JOIN information_schema.TABLES T ON C.TABLE_SCHEMA = T.TABLE_SCHEMA AND C.TABLE_NAME = T.TABLE_NAME"
            + " WHERE T.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')"
            + " AND C.EXTRA = 'auto_increment' AND T.AUTO_INCREMENT IS NOT NULL AND ";

    /**
     * @param sql   the query
     * @param names the names bound to its parameters, in order
     */
    record AtLevel(String sql, List<String> names) {
    }

    AutoincCollector(CollectorContext context) {
        super(context, AutoincFactory.HELP);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        List<String> include = at.list("include");
        boolean including = !include.isEmpty();
        String option = including ? "include" : "exclude";
        List<String> items = including ? include : at.list("exclude");
        if (items.isEmpty()) {
            items = List.of(AutoincFactory.DEFAULT_EXCLUDE.split(","));
        }
        var conditions = new ArrayList<String>();
        var names = new ArrayList<String>();
        for (String item : items) {
            conditions.add(condition(at, option, item, names));
        }
        // include: any item matches; exclude: no item matches.
        String where = including ? "(" + String.join(" OR ", conditions) + ")"
                : "NOT " + String.join(" AND NOT ", conditions);
        return new AtLevel(AUTO_INCREMENTS + where, List.copyOf(names));
    }

    /** The condition matching one item; adds the names it binds. */
    private static String condition(LevelDomain at, String option, String item, List<String> names) {
        String[] parts = item.split("\\.", -1);
        if (parts.length > 2 || parts[0].isEmpty() || parts[0].equals("*")
                || (parts.length == 2 && parts[1].isEmpty())) {
            throw at.error("option " + option + ": item '" + item + "' is not a table name; write db.table, db.*"
                    + " (every table of db) or table (that table in any database)");
        }
        names.add(parts[0]);
        if (parts.length == 1) {
            return "(C.TABLE_NAME = ?)";
        }
        if (parts[1].equals("*")) {
            return "(C.TABLE_SCHEMA = ?)";
        }
        names.add(parts[1]);
        return "(C.TABLE_SCHEMA = ? AND C.TABLE_NAME = ?)";
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        var values = new ArrayList<MetricValue>();
        query(at.sql(), at.names(), row -> {
            String type = row.getString(4).toLowerCase(Locale.ROOT);
            boolean unsigned = row.getBoolean(5);
            double max = IntegerType.largest(type, unsigned);
            if (Double.isNaN(max)) {
                return; // FLOAT or DOUBLE (deprecated for auto-increment): no integer range to use up
            }
            // A string, not getLong: a BIGINT UNSIGNED column's next value may exceed a long (Blip's
            // int64 scan fails there).
            double next = Double.parseDouble(row.getString(6));
            // A bulk insert (INSERT ... SELECT) reserves ids in powers of two, so InnoDB can report a next
            // value past the type's largest (256 for a TINYINT UNSIGNED after 199 rows): the range is used up.
            double percent = Math.min(100, 100 * next / max);
            values.add(new MetricValue("usage", percent, MetricType.GAUGE, Map.of("db", row.getString(1),
                    "tbl", row.getString(2), "col", row.getString(3),
                    "data_type", unsigned ? type + " unsigned" : type), Map.of()));
        });
        return values;
    }

    /** The largest value of each integer type MySQL and MariaDB allow AUTO_INCREMENT on. */
    enum IntegerType {
        TINYINT(8), SMALLINT(16), MEDIUMINT(24), INT(32), BIGINT(64);

        private final int bits;

        IntegerType(int bits) {
            this.bits = bits;
        }

        /**
         * The largest value of the column's type, as a double (exact up to INT; 2^63 - 1 and 2^64 - 1
         * round to 2^63 and 2^64, far below what a percentage shows), or NaN when the type is not an
         * integer type.
         *
         * @param dataType {@code information_schema.COLUMNS.DATA_TYPE}, lowercase ({@code int} for
         *                 INTEGER too)
         */
        static double largest(String dataType, boolean unsigned) {
            for (IntegerType t : values()) {
                if (t.name().toLowerCase(Locale.ROOT).equals(dataType)) {
                    int valueBits = unsigned ? t.bits : t.bits - 1;
                    return Math.pow(2, valueBits) - 1;
                }
            }
            return Double.NaN;
        }
    }
}
