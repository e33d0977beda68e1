package io.blip.runtime.mysql;

import io.blip.api.collect.ConnectionSource;
import io.blip.api.time.Time;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One monitor's connections: at most {@value #MAX_CONNECTIONS} open at once, as Blip. A connection
 * idle for more than a second is checked before it is lent, so a MySQL restart costs one failed
 * check, not a failed collection. Borrowers wait at most the connect timeout for a free slot. Idle
 * times and that wait are on the monitor's {@link Time} (virtual in tests).
 *
 * <p>Why not a library pool (HikariCP, c3p0, the driver's): every new connection asks the monitor's
 * credential source, which may hand out a new password or token at any time and must be asked again
 * with {@code ACCESS_DENIED} when MySQL refuses one ({@link MysqlConnector}); library pools take one
 * user and password, or a DataSource they call without saying why. And they run housekeeping threads
 * per pool: a Blip with 1,000 monitors would have 1,000 pools and their threads, where this pool has
 * none (it checks a connection when it lends it) and holds at most three connections.
 */
public final class MonitorPool implements ConnectionSource, AutoCloseable {
    public static final int MAX_CONNECTIONS = 3;
    private static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(1);

    private record Idle(Connection connection, Instant since) {
    }

    private final String monitorId;
    private final MysqlConnector connector;
    private final Duration borrowTimeout;
    private final Time time;
    // Guarded by this: connections lent (at most MAX_CONNECTIONS), the idle ones, whether closed.
    private int lent;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    public MonitorPool(String monitorId, MysqlConnector connector, Duration borrowTimeout, Time time) {
        this.monitorId = monitorId;
        this.connector = connector;
        this.borrowTimeout = borrowTimeout;
        this.time = time;
    }

    @Override
    public Connection getConnection() throws SQLException {
        takeSlot();
        try {
            return new PooledConnection(this, physical());
        } catch (SQLException | RuntimeException e) {
            releaseSlot();
            throw e;
        }
    }

    /** Waits, at most the borrow timeout, until fewer than {@value #MAX_CONNECTIONS} connections are lent. */
    private synchronized void takeSlot() throws SQLException {
        long deadline = time.nanoTime() + borrowTimeout.toNanos();
        try {
            while (lent >= MAX_CONNECTIONS) {
                if (deadline - time.nanoTime() <= 0) {
                    throw new SQLException("monitor " + monitorId + ": all " + MAX_CONNECTIONS
                            + " connections busy for " + borrowTimeout.toMillis() + " ms", "08004");
                }
                time.await(this, deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection", "08004", e);
        }
        lent++;
    }

    private synchronized void releaseSlot() {
        lent--;
        notifyAll();
    }

    private Connection physical() throws SQLException {
        while (true) {
            Idle next;
            synchronized (this) {
                if (closed) {
                    throw new SQLException("monitor " + monitorId + ": connections closed (monitor stopped)", "08003");
                }
                next = idle.pollFirst();
            }
            if (next == null) {
                return connector.connect();
            }
            boolean fresh = Duration.between(next.since(), time.now()).compareTo(CHECK_AFTER_IDLE) < 0;
            if (fresh || isAlive(next.connection())) {
                return next.connection();
            }
            closeQuietly(next.connection());
        }
    }

    private static boolean isAlive(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Takes a connection back from a borrower. */
    void giveBack(Connection physical) {
        boolean keep;
        try {
            keep = !physical.isClosed();
            if (keep && !physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
        } catch (SQLException e) {
            keep = false;
        }
        synchronized (this) {
            if (keep && !closed) {
                idle.addFirst(new Idle(physical, time.now()));
                physical = null;
            }
        }
        if (physical != null) {
            closeQuietly(physical);
        }
        releaseSlot();
    }

    /** Forgets a connection a borrower aborted. */
    void discard(Connection physical) {
        closeQuietly(physical);
        releaseSlot();
    }

    /** Closes the idle connections (e.g. after MySQL restarted); lent ones close when given back. */
    public void evictIdle() {
        Deque<Idle> old;
        synchronized (this) {
            old = new ArrayDeque<>(idle);
            idle.clear();
        }
        old.forEach(i -> closeQuietly(i.connection()));
    }

    public String redactedDsn() {
        return connector.redactedDsn();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        evictIdle();
        connector.close();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // Already broken; nothing else to release.
        }
    }

    /** The most a borrower waits for a free connection. */
    @Override
    public int getLoginTimeout() {
        return (int) borrowTimeout.toSeconds();
    }
}
