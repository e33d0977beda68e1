package io.blip.domains.error;

import io.blip.api.config.Durations;
import io.blip.api.time.Time;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Truncating a Performance Schema table: whether the user may (TRUNCATE needs the DROP privilege on
 * it), and doing it within a time limit.
 */
final class Truncation {
    private static final String DROP_GRANTS = "SELECT"
            + " (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES"
            + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE = 'DROP')"
            + " + (SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES"
            + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE = 'DROP' AND ? LIKE TABLE_SCHEMA)"
            + " + (SELECT COUNT(*) FROM information_schema.TABLE_PRIVILEGES"
            + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE = 'DROP' AND TABLE_SCHEMA = ? AND TABLE_NAME = ?)";

    private Truncation() {
    }

    /**
     * Whether the connection's account has DROP on {@code schema.table}, granted on all databases,
     * on the schema (or a pattern matching it) or on the table, as the information_schema privilege
     * tables show the account's own grants. Privileges that only a role gives are not seen: such a
     * user is taken to lack DROP, and the log line says which grant to add.
     */
    static boolean mayTruncate(Connection c, String schema, String table) throws SQLException {
        String grantee = grantee(c);
        try (PreparedStatement s = c.prepareStatement(DROP_GRANTS)) {
            s.setString(1, grantee);
            s.setString(2, grantee);
            s.setString(3, schema);
            s.setString(4, grantee);
            s.setString(5, schema);
            s.setString(6, table);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    /** The account as information_schema writes grantees: {@code 'blip'@'%'}. */
    private static String grantee(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            String account = rs.getString(1);
            int at = account.lastIndexOf('@');
            return "'" + account.substring(0, at) + "'@'" + account.substring(at + 1) + "'";
        }
    }

    /**
     * Truncates {@code schema.table}, cancelling the statement when it has not finished within
     * {@code timeout}. Blip sets {@code lock_wait_timeout}, whose unit is the second (at least 1), so
     * its 250 ms default waits up to 1 s on a metadata lock; the lock wait timeout is set here too (it
     * also bounds a wait that a lost cancel would leave), and the cancel keeps the bound given. The
     * session's lock wait timeout is put back afterwards: the connection returns to the monitor's pool.
     *
     * @throws SQLException the server's error, or error 1317 (query interrupted) when cancelled
     */
    static void truncate(Connection c, String schema, String table, Duration timeout, Time time)
            throws SQLException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        try (Statement s = c.createStatement()) {
            s.execute("SET @@session.lock_wait_timeout = " + seconds);
            try {
                truncateWithin(s, schema + "." + table, timeout, time);
            } finally {
                s.execute("SET @@session.lock_wait_timeout = DEFAULT");
            }
        }
    }

    private static void truncateWithin(Statement s, String table, Duration timeout, Time time) throws SQLException {
        var watch = new Watchdog(s, time, time.nanoTime() + timeout.toNanos());
        Thread watching = Thread.ofVirtual().name("truncate-timeout " + table).start(watch);
        try {
            s.execute("TRUNCATE TABLE " + table);
        } catch (SQLException e) {
            if (watch.cancelled()) {
                throw new SQLException("TRUNCATE TABLE " + table + " did not finish within truncate-timeout "
                        + Durations.format(timeout) + " and was cancelled", "70100",
                        ErrorTable.ER_QUERY_INTERRUPTED, e);
            }
            throw e;
        } finally {
            watch.finished();
            try {
                watching.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Cancels the statement at the deadline unless it finished first; never after it finished. */
    private static final class Watchdog implements Runnable {
        private final Statement statement;
        private final Time time;
        private final long deadline;
        private boolean finished;
        private boolean cancelled;

        Watchdog(Statement statement, Time time, long deadline) {
            this.statement = statement;
            this.time = time;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            synchronized (this) {
                try {
                    while (!finished && deadline - time.nanoTime() > 0) {
                        time.await(this, deadline);
                    }
                    if (!finished) {
                        // Under the lock, so the statement cannot finish and the connection move on
                        // to another statement between the check and the cancel.
                        cancelled = true;
                        statement.cancel();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (SQLException e) {
                    // The statement goes on to lock_wait_timeout, which bounds it too.
                }
            }
        }

        synchronized void finished() {
            finished = true;
            notifyAll();
        }

        synchronized boolean cancelled() {
            return cancelled;
        }
    }
}
