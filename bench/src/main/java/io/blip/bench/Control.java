package io.blip.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The control of {@code ./dev bench vs-exporter}: what collecting Blip's one-second level costs a JVM
 * with nothing of Blip in it, the floor that bin/blip is measured against.
 *
 * <p>Every second it runs the four statements that Blip's domains run on MariaDB 10.11 for a level
 * of {@code status.global} (all), {@code var.global} (all), {@code innodb} (enabled metrics) and
 * {@code repl}, one after the other on one connection it keeps, through the mysql-connector-j jar of
 * the distribution, and reads every row into a map of strings. Then it prints one line,
 * {@code iteration <n> <microseconds> <rows>}, and nothing else unless a query fails
 * ({@code error <message>}; it connects again at the next second).
 *
 * <p>The harness runs it with exactly the JVM options bin/blip's java runs with (read from
 * {@code /proc}), and only this class and the driver on the class path. It depends on the JDK and
 * JDBC alone; keep it so. The statements are those of blip-domains' collectors on MariaDB 10.11; the
 * harness checks from MariaDB's general log that both sent the same ones.
 *
 * <p>Usage: {@code java [bin/blip's options] -cp <classes>:<mysql-connector-j.jar> io.blip.bench.Control
 * <jdbc url> <offset ms>}, with the account in {@code BENCH_CONTROL_USER} and
 * {@code BENCH_CONTROL_PASSWORD} (never on the command line, which the results file shows).
 */
public final class Control {
    /** One statement per domain of the level, as the domain's collector writes it for MariaDB 10.11. */
    static final List<String> STATEMENTS = List.of(
            // status.global: StatusGlobalCollector.SHOW_GLOBAL_STATUS
            "SHOW GLOBAL STATUS",
            // var.global all=yes, source=auto: MariaDB has no performance_schema.global_variables, so SHOW
            "SHOW GLOBAL VARIABLES",
            // innodb all=enabled: InnodbCollector.SELECT_METRICS + MARIADB_ENABLED (MariaDB has no STATUS column)
            "SELECT subsystem, name, count FROM information_schema.innodb_metrics WHERE enabled = 1",
            // repl: ReplCollector.SHOW_REPLICA_STATUS (MariaDB 10.5.1+)
            "SHOW REPLICA STATUS");

    private Control() {
    }

    public static void main(String[] args) throws InterruptedException {
        String url = args[0];
        long offsetMillis = Long.parseLong(args[1]);
        Properties props = new Properties();
        props.setProperty("user", System.getenv("BENCH_CONTROL_USER"));
        props.setProperty("password", System.getenv("BENCH_CONTROL_PASSWORD"));
        // The driver settings of Blip's MysqlConnector that change what a query costs.
        props.setProperty("sslMode", "DISABLED");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("openTelemetry", "DISABLED");
        props.setProperty("connectionAttributes", "program_name:blip-bench-control");
        PrintStream out = System.out;
        Connection connection = null;
        for (long n = 1; ; n++) {
            sleepUntilNextSecond(offsetMillis);
            try {
                if (connection == null) {
                    connection = DriverManager.getConnection(url, props);
                }
                long begin = System.nanoTime();
                int rows = collect(connection);
                long micros = (System.nanoTime() - begin) / 1000;
                out.println("iteration " + n + " " + micros + " " + rows);
            } catch (SQLException e) {
                out.println("error " + e.getMessage());
                closeQuietly(connection);
                connection = null;
            }
        }
    }

    /** One iteration: every statement, every row read into a map; returns the rows read. */
    static int collect(Connection c) throws SQLException {
        int rows = 0;
        try (Statement s = c.createStatement()) {
            rows += nameValues(s, STATEMENTS.get(0), 1, 2).size();
            rows += nameValues(s, STATEMENTS.get(1), 1, 2).size();
            rows += nameValues(s, STATEMENTS.get(2), 2, 3).size();
            rows += columnMaps(s, STATEMENTS.get(3)).size();
        }
        return rows;
    }

    private static Map<String, String> nameValues(Statement s, String sql, int name, int value) throws SQLException {
        Map<String, String> values = new HashMap<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.put(rs.getString(name), rs.getString(value));
            }
        }
        return values;
    }

    /** A map of column to value per row (SHOW REPLICA STATUS: one row per channel, none on a source). */
    private static List<Map<String, String>> columnMaps(Statement s, String sql) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Sleeps until {@code offsetMillis} past the next whole second of the wall clock. */
    private static void sleepUntilNextSecond(long offsetMillis) throws InterruptedException {
        long now = System.currentTimeMillis();
        long next = (now - offsetMillis) / 1000 * 1000 + 1000 + offsetMillis;
        Thread.sleep(Math.max(1, next - now));
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // Broken already; the next iteration connects again.
            }
        }
    }
}
