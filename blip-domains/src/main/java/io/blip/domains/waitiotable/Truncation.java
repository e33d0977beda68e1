package io.blip.domains.waitiotable;

import io.blip.api.config.Durations;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Truncating {@code performance_schema.table_io_waits_summary_by_table}: whether the user may (TRUNCATE
 * on a Performance Schema table needs DROP), and doing it within {@code truncate-timeout}.
 */
final class Truncation {
    static final String TRUNCATE = "TRUNCATE TABLE " + WaitIoTableFactory.TABLE;
    /** {@code GRANT <privileges> ON <db>.<table> TO <user>}; role and proxy grants do not match. */
    private static final Pattern GRANT = Pattern.compile("GRANT (.+?) ON (\\S+) TO .*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private Truncation() {
    }

    /**
     * Whether {@code SHOW GRANTS} gives the current user DROP (or ALL) on the table, on
     * {@code performance_schema.*} or on {@code *.*}. A privilege the user has only through a role or a
     * wildcard database name is not seen, so such a user is not truncated for: the safe side.
     */
    static boolean mayTruncate(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                if (givesDrop(rs.getString(1))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether one line of {@code SHOW GRANTS} gives DROP on the table. */
    static boolean givesDrop(String grant) {
        Matcher m = GRANT.matcher(grant.strip());
        if (!m.matches()) {
            return false;
        }
        String on = m.group(2).replace("`", "").replace("\\", "").toLowerCase(Locale.ROOT);
        if (!on.equals("*.*") && !on.equals("performance_schema.*") && !on.equals(WaitIoTableFactory.TABLE)) {
            return false;
        }
        for (String privilege : m.group(1).split(",")) {
            String p = privilege.strip().toUpperCase(Locale.ROOT);
            if (p.equals("DROP") || p.equals("ALL") || p.equals("ALL PRIVILEGES")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Truncates the table, cancelling the TRUNCATE when it has not finished within {@code timeout}. A
     * TRUNCATE waits for the table's metadata lock; the session's {@code lock_wait_timeout} (whole
     * seconds, so the timeout rounded up) bounds that wait on the server too, in case the cancel is
     * lost; the session's value is put back afterwards, for the pool's next user of the connection.
     *
     * @throws SQLException the TRUNCATE's error; error 1317 when the timeout cancelled it
     */
    static void truncate(Connection c, Duration timeout) throws SQLException {
        long lockWaitSeconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        try (Statement s = c.createStatement()) {
            s.execute("SET @blip_lock_wait_timeout = @@SESSION.lock_wait_timeout, SESSION lock_wait_timeout = "
                    + lockWaitSeconds);
            SQLException failed = null;
            try {
                executeWithin(s, TRUNCATE, timeout);
            } catch (SQLException e) {
                failed = e;
            }
            try {
                s.execute("SET SESSION lock_wait_timeout = @blip_lock_wait_timeout");
            } catch (SQLException e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
            if (failed != null) {
                throw failed;
            }
        }
    }

    /**
     * Runs the statement; a timer cancels it (the driver sends KILL QUERY on another connection) if it
     * is still running when the timeout passes. The lock makes sure the cancel is never sent once the
     * statement has returned, where it could interrupt the connection's next statement.
     */
    private static void executeWithin(Statement s, String sql, Duration timeout) throws SQLException {
        var lock = new ReentrantLock();
        var state = new Object() {
            boolean running = true;
            boolean cancelled;
        };
        Runnable cancel = () -> {
            lock.lock();
            try {
                if (state.running) {
                    state.cancelled = true;
                    s.cancel();
                }
            } catch (SQLException e) {
                // The statement's own error, or lock_wait_timeout, still ends it.
            } finally {
                lock.unlock();
            }
        };
        CompletableFuture<Void> timer = CompletableFuture.runAsync(cancel,
                CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, Thread::startVirtualThread));
        SQLException failed = null;
        try {
            s.execute(sql);
        } catch (SQLException e) {
            failed = e;
        }
        timer.cancel(false);
        boolean cancelled;
        lock.lock();
        try {
            state.running = false;
            cancelled = state.cancelled;
        } finally {
            lock.unlock();
        }
        if (failed != null) {
            throw cancelled ? new SQLException(sql + " did not finish within truncate-timeout "
                    + Durations.format(timeout) + " and was cancelled", "70100", WaitIoTableFactory.QUERY_INTERRUPTED,
                    failed) : failed;
        }
    }
}
