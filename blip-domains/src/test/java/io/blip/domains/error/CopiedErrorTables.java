package io.blip.domains.error;

import io.blip.testkit.EmbeddedMariaDb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MySQL 8.0's five error summary tables, copied into the schema {@value #SCHEMA} of the embedded
 * MariaDB (which has none): each column as {@code storage/perfschema/table_ees_*_by_error.cc} defines
 * it, on InnoDB instead of the PERFORMANCE_SCHEMA engine. The rows are those a server has after
 * the errors in {@link #RAISED}: like MySQL, a row of zeros for an error a user, host, account or
 * thread has not raised, and the row of errors without a number (ERROR_NUMBER NULL).
 */
final class CopiedErrorTables {
    static final String SCHEMA = "errtest";

    /** An error one thread of one account raised (or, with 0, did not). */
    record Raised(long thread, String user, String host, Integer number, String name, String state, int raised) {
    }

    /** What the rows say was raised: thread 7 is the event scheduler, thread 2 a background thread. */
    static final List<Raised> RAISED = List.of(
            new Raised(48, "app", "10.0.0.5", 1062, "ER_DUP_ENTRY", "23000", 9),
            new Raised(48, "app", "10.0.0.5", 1213, "ER_LOCK_DEADLOCK", "40001", 2),
            new Raised(49, "app", "10.0.0.6", 1062, "ER_DUP_ENTRY", "23000", 5),
            new Raised(49, "app", "10.0.0.6", 1213, "ER_LOCK_DEADLOCK", "40001", 0),
            new Raised(52, "report", "10.0.0.9", 1146, "ER_NO_SUCH_TABLE", "42S02", 3),
            new Raised(52, "report", "10.0.0.9", 3024, "ER_QUERY_TIMEOUT", "HY000", 1),
            new Raised(52, "report", "10.0.0.9", 1062, "ER_DUP_ENTRY", "23000", 0),
            new Raised(7, "event_scheduler", "localhost", 1146, "ER_NO_SUCH_TABLE", "42S02", 4),
            new Raised(2, null, null, 1213, "ER_LOCK_DEADLOCK", "40001", 1),
            new Raised(48, "app", "10.0.0.5", null, null, null, 0));

    private static final String COUNTS = "  ERROR_NUMBER INTEGER,\n"
            + "  ERROR_NAME VARCHAR(64),\n"
            + "  SQL_STATE VARCHAR(5),\n"
            + "  SUM_ERROR_RAISED  BIGINT unsigned not null,\n"
            + "  SUM_ERROR_HANDLED BIGINT unsigned not null,\n"
            + "  FIRST_SEEN TIMESTAMP(0) null,\n"
            + "  LAST_SEEN TIMESTAMP(0) null,\n";
    private static final String USER = "  USER CHAR(32) collate utf8mb4_bin default null,\n";
    private static final String HOST = "  HOST CHAR(255) CHARACTER SET ASCII default null,\n";

    private CopiedErrorTables() {
    }

    /** Creates the schema and the tables afresh, with their rows. */
    static void create(EmbeddedMariaDb db) {
        var sql = new ArrayList<String>();
        sql.add("DROP DATABASE IF EXISTS " + SCHEMA);
        sql.add("CREATE DATABASE " + SCHEMA + " DEFAULT CHARACTER SET utf8mb4");
        sql.add(table("events_errors_summary_global_by_error", "",
                "UNIQUE KEY (ERROR_NUMBER) USING HASH"));
        sql.add(table("events_errors_summary_by_account_by_error", USER + HOST,
                "UNIQUE KEY `ACCOUNT` (USER, HOST, ERROR_NUMBER) USING HASH"));
        sql.add(table("events_errors_summary_by_host_by_error", HOST,
                "UNIQUE KEY `HOST` (HOST, ERROR_NUMBER) USING HASH"));
        sql.add(table("events_errors_summary_by_thread_by_error", "  THREAD_ID BIGINT unsigned not null,\n",
                "UNIQUE KEY `THREAD_ID` (THREAD_ID, ERROR_NUMBER) USING HASH"));
        sql.add(table("events_errors_summary_by_user_by_error", USER,
                "UNIQUE KEY `USER` (USER, ERROR_NUMBER) USING HASH"));
        for (ErrorTable t : ErrorTable.values()) {
            sql.addAll(inserts(t));
        }
        db.execute(sql.toArray(String[]::new));
    }

    private static String table(String name, String columns, String key) {
        return "CREATE TABLE " + SCHEMA + "." + name + " (\n" + columns + COUNTS + "  " + key + "\n) ENGINE=InnoDB";
    }

    /** The rows of one table: RAISED summed by the table's columns and the error. */
    private static List<String> inserts(ErrorTable t) {
        Map<List<Object>, Integer> sums = new LinkedHashMap<>();
        Map<List<Object>, Raised> first = new LinkedHashMap<>();
        for (Raised r : RAISED) {
            var key = new ArrayList<Object>();
            for (String column : t.columns()) {
                key.add(switch (column) {
                    case "USER" -> r.user();
                    case "HOST" -> r.host();
                    default -> r.thread();
                });
            }
            key.add(r.number());
            sums.merge(key, r.raised(), Integer::sum);
            first.putIfAbsent(key, r);
        }
        var out = new ArrayList<String>();
        sums.forEach((key, sum) -> {
            Raised r = first.get(key);
            var values = new ArrayList<String>();
            for (Object v : key.subList(0, key.size() - 1)) {
                values.add(literal(v));
            }
            values.add(literal(r.number()));
            values.add(literal(r.name()));
            values.add(literal(r.state()));
            values.add(Integer.toString(sum));
            values.add("0");
            values.add(sum == 0 ? "NULL" : "'2026-12-01 10:00:00'");
            values.add(sum == 0 ? "NULL" : "'2026-12-01 10:05:00'");
            var columns = new ArrayList<>(t.columns());
            columns.addAll(List.of("ERROR_NUMBER", "ERROR_NAME", "SQL_STATE", "SUM_ERROR_RAISED",
                    "SUM_ERROR_HANDLED", "FIRST_SEEN", "LAST_SEEN"));
            out.add("INSERT INTO " + SCHEMA + "." + t.table() + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", values) + ")");
        });
        return out;
    }

    private static String literal(Object v) {
        return v == null ? "NULL" : v instanceof String s ? "'" + s + "'" : v.toString();
    }
}
