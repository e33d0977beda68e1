package io.blip.domains;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Why a Performance Schema table that a domain reads has nothing to say. With
 * {@code performance_schema=OFF}, or with a consumer or instrument the table depends on disabled, MySQL
 * still answers the table, with no rows and no error: a domain would report nothing, or zeros that
 * look like an idle server. So a domain asks here once in {@code prepare} and, at each collect, throws
 * {@link #unavailable}: MySQL's "table doesn't exist" error (1146), which the domain declares as
 * {@code table-not-exist}, so that its plan gives it a policy, as it does when the table is really
 * missing (a server built without the Performance Schema).
 */
public final class PerformanceSchema {
    /** ER_NO_SUCH_TABLE. */
    public static final int TABLE_NOT_EXIST = 1146;
    private static final int UNKNOWN_SYSTEM_VARIABLE = 1193;
    private static final int TABLE_ACCESS_DENIED = 1142;

    private PerformanceSchema() {
    }

    /**
     * Why the Performance Schema collects nothing for a table, or null when it is on with the given
     * consumers and instruments enabled. A user who may not read the setup tables cannot learn whether
     * they are enabled: then only {@code @@performance_schema} is checked.
     *
     * @param c           a connection to the monitored MySQL
     * @param consumers   names in {@code performance_schema.setup_consumers} the table needs
     * @param instruments names in {@code performance_schema.setup_instruments} the table needs
     */
    public static String whyEmpty(Connection c, List<String> consumers, List<String> instruments)
            throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@performance_schema")) {
            rs.next();
            String on = rs.getString(1);
            if (!"1".equals(on) && !"ON".equalsIgnoreCase(on)) {
                return "performance_schema is OFF; set performance_schema=ON in the MySQL config and restart MySQL";
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == UNKNOWN_SYSTEM_VARIABLE) {
                return "this server has no Performance Schema (@@performance_schema is unknown)";
            }
            throw e;
        }
        try {
            List<String> consumersOff = disabled(c, "setup_consumers", consumers);
            if (!consumersOff.isEmpty()) {
                return "the Performance Schema consumer " + consumersOff.getFirst() + " is disabled; enable it with"
                        + " UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = '"
                        + consumersOff.getFirst() + "'";
            }
            List<String> instrumentsOff = disabled(c, "setup_instruments", instruments);
            if (!instrumentsOff.isEmpty()) {
                return "the Performance Schema instrument " + instrumentsOff.getFirst() + " is disabled; enable it"
                        + " with UPDATE performance_schema.setup_instruments SET ENABLED = 'YES', TIMED = 'YES'"
                        + " WHERE NAME = '" + instrumentsOff.getFirst() + "'";
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != TABLE_ACCESS_DENIED) {
                throw e;
            }
        }
        return null;
    }

    /** The names of a setup table that are not enabled, of those given. */
    private static List<String> disabled(Connection c, String setupTable, List<String> names) throws SQLException {
        if (names.isEmpty()) {
            return List.of();
        }
        String sql = "SELECT NAME FROM performance_schema." + setupTable + " WHERE ENABLED <> 'YES' AND NAME IN ("
                + String.join(", ", Collections.nCopies(names.size(), "?")) + ") ORDER BY NAME";
        var out = new ArrayList<String>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < names.size(); i++) {
                s.setString(i + 1, names.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * The error a domain throws at collect when {@link #whyEmpty} gave a reason: error 1146 (SQLState
     * 42S02), so that the plan's {@code table-not-exist} policy handles it.
     *
     * @param domain the domain, for the message
     * @param table  the table it reads, e.g. {@code performance_schema.events_statements_current}
     * @param why    what {@link #whyEmpty} said
     */
    public static SQLException unavailable(String domain, String table, String why) {
        return new SQLException(domain + ": " + table + " has no rows to read: " + why
                + " (reported as error " + TABLE_NOT_EXIST + ", table-not-exist)", "42S02", TABLE_NOT_EXIST);
    }
}
