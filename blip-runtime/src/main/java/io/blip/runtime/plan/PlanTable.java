package io.blip.runtime.plan;

import io.blip.api.plan.Plan;
import io.blip.runtime.config.ConfigException;
import io.blip.runtime.config.Problems;
import io.blip.runtime.mysql.TableName;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads plans from a plan table (top-level {@code plans.table} on {@code plans.monitor}), one plan
 * per row, as Blip's {@code docs/content/plans/table.md} defines it:
 * <pre>
 * CREATE TABLE plans (
 *   name        VARCHAR(100) NOT NULL PRIMARY KEY,   -- the plan's name
 *   plan        BLOB NOT NULL,                       -- the plan, exactly as in a plan file (YAML)
 *   monitor_id  VARCHAR(1000) NULL DEFAULT NULL      -- NULL: a shared plan; else that monitor's plan
 * )
 * </pre>
 * Blip's code reads a column {@code monitorId} instead of the documented {@code monitor_id} (and
 * every row as shared, and drops the error when it cannot read); this reads {@code monitor_id},
 * as the docs say, and reports every problem.
 */
public final class PlanTable {
    /** How long the query may take (Blip's {@code ReadTable}: 5 s). */
    private static final int QUERY_TIMEOUT_SECONDS = 5;

    /**
     * One row.
     *
     * @param monitorId the monitor whose plan it is; empty for a shared plan
     * @param plan      the plan, named by the row's {@code name}, parsed but not validated
     */
    public record Row(String monitorId, Plan plan) {
    }

    private PlanTable() {
    }

    /**
     * Every row of the table, in name order (Blip's precedence: the first plan by name).
     *
     * @param table {@code db.table} or {@code table} (in database {@code blip})
     * @param at    where the table is named, for messages, e.g. {@code blip.yaml: plans.table}
     * @throws ConfigException naming the table: it cannot be read, or every row that is not a plan
     */
    public static List<Row> read(Connection connection, String table, String at) throws ConfigException {
        String quoted = TableName.quoted(table).orElseThrow(() -> new ConfigException(at + ": '" + table
                + "' is not a table name; write database.table or table (in database " + TableName.DEFAULT_DATABASE
                + ")"));
        var rows = new ArrayList<Row>();
        var problems = new Problems();
        try (Statement st = connection.createStatement()) {
            st.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = st.executeQuery("SELECT name, plan, monitor_id FROM " + quoted + " ORDER BY name")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    byte[] yaml = rs.getBytes(2);
                    String monitorId = rs.getString(3);
                    String row = at + ": " + table + ", plan '" + name + "'";
                    if (yaml == null || yaml.length == 0) {
                        problems.add(row + ": the plan column is empty; write the plan as in a plan file (YAML)");
                        continue;
                    }
                    try {
                        Plan plan = PlanFiles.readYaml(name, row, new String(yaml, StandardCharsets.UTF_8));
                        rows.add(new Row(monitorId == null ? "" : monitorId, plan));
                    } catch (ConfigException e) {
                        problems.addAll(e.problems());
                    }
                }
            }
        } catch (SQLException e) {
            throw new ConfigException(at + ": cannot read plans from " + table + ": " + e.getMessage() + advice(e));
        }
        problems.throwIfAny();
        return rows;
    }

    private static String advice(SQLException e) {
        String m = String.valueOf(e.getMessage());
        if (e.getErrorCode() == 1054 && m.contains("monitor_id")) { // ER_BAD_FIELD_ERROR
            return " (Blip's docs name the column monitor_id, which Blip's code reads as monitorId: rename it, "
                    + "ALTER TABLE ... RENAME COLUMN monitorId TO monitor_id)";
        }
        if (e.getErrorCode() == 1142 || e.getErrorCode() == 1143) { // command/column denied
            return " (grant SELECT on the table to the user of plans.monitor)";
        }
        return "";
    }
}
