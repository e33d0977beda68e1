package io.blip.runtime.mysql;

import io.blip.api.collect.ConnectionSource;
import io.blip.api.time.Time;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One monitor's connections: usually one, which the monitor's domains borrow in turn; at most
 * {@value #MAX_CONNECTIONS} open at once, as Blip. A borrower that has waited {@link #SPARE_AFTER}
 * for the one (a domain is slow) gets a connection of its own, up to that limit (one that asks with
 * {@link #awaitConnection()}, background work that can wait, waits instead), and a connection
 * given back while another is idle and nobody waits is closed, so between collections a monitor holds
 * one connection. A connection idle for more than {@link #CHECK_AFTER_IDLE} is checked before it is
 * lent, so a MySQL restart costs one failed check, not a failed collection. Borrowers wait at most
 * the connect timeout. Idle times and waits are on the monitor's {@link Time} (virtual in tests).
 *
 * <p>While a collection runs ({@link #collectionBegins()} to {@link #collectionEnds()}), a new connection
 * that failed is not tried again: later borrowers get {@link NotTried} with its error at once. A level's
 * domains each borrow a connection; without this, each would log in again (and a credential source read
 * its secret again) for one refused password or one server down: one try per collection, not per domain.
 *
 * <p>Why not a library pool (HikariCP, c3p0, the driver's): every new connection asks the monitor's
 * credential source, which may hand out a new password or token at any time and must be asked again
 * with {@code ACCESS_DENIED} when MySQL refuses one ({@link MysqlConnector}); library pools take one
 * user and password, or a DataSource they call without saying why. And they run housekeeping threads
 * per pool: a Blip with 1,000 monitors would have 1,000 pools and their threads, where this pool has
 * none (it checks a connection when it lends it) and holds one connection between collections.
 */
public final class MonitorPool implements ConnectionSource, AutoCloseable {
    public static final int MAX_CONNECTIONS = 3;
    /**
     * How long a borrower waits for the connection another holds before it gets one of its own: the
     * monitor's engine starts a level's domains one after another, so a borrower waits only when a
     * domain is slow (or something else holds the connection, e.g. the heartbeat reader reading a
     * heartbeat it times). Long enough
     * that a query of a few ms never costs a new connection (with 1,000 monitors on 2 cores, 20 ms
     * opened some 7 spares a second, each closed again when given back).
     */
    public static final Duration SPARE_AFTER = Duration.ofMillis(100);
    /**
     * Idle for longer, a connection is checked (a ping) before it is lent. Longer than the levels of
     * Blip's default plan collect (5 s and 20 s), which would otherwise ping before every collection:
     * a connection idle that long is all but always alive, and a dead one fails the first query, is
     * closed, and the next borrower connects again.
     */
    static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(60);
    /** Statements kept prepared per connection (a plan's domains run a few dozen at most). */
    static final int MAX_STATEMENTS = 64;

    private record Idle(Connection connection, Instant since) {
    }

    private final String monitorId;
    private final MysqlConnector connector;
    private final Duration borrowTimeout;
    private final Time time;
    // Guarded by this: connections open (lent, idle, or being opened), the idle ones, borrowers
    // waiting, whether closed.
    private int open;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private int waiting;
    private boolean closed;
    private boolean collecting;
    /** Counts collections: a connect that fails after its collection has ended does not count against the next. */
    private long collection;
    /** The new connection that failed in the collection running now, if any. */
    private SQLException failed;
    /**
     * Per open connection, its reusable statements by SQL ({@link PooledConnection#reusable}); a
     * connection is used by one borrower at a time, so each inner map by one thread at a time.
     */
    private final Map<Connection, Map<String, PreparedStatement>> statements = new ConcurrentHashMap<>();

    public MonitorPool(String monitorId, MysqlConnector connector, Duration borrowTimeout, Time time) {
        this.monitorId = monitorId;
        this.connector = connector;
        this.borrowTimeout = borrowTimeout;
        this.time = time;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return borrow(true);
    }

    /** Waits for the monitor's connection given back instead of opening a spare while it is lent. */
    @Override
    public Connection awaitConnection() throws SQLException {
        return borrow(false);
    }

    private Connection borrow(boolean spare) throws SQLException {
        while (true) {
            long during = collection();
            Idle next = take(spare);
            if (next == null) {
                // A new connection: the first, or a spare.
                try {
                    return new PooledConnection(this, connector.connect());
                } catch (SQLException e) {
                    failed(e, during);
                    throw e;
                } catch (RuntimeException e) {
                    forget();
                    throw e;
                }
            }
            boolean fresh = Duration.between(next.since(), time.now()).compareTo(CHECK_AFTER_IDLE) <= 0;
            if (fresh || isAlive(next.connection())) {
                return new PooledConnection(this, next.connection());
            }
            closeQuietly(next.connection());
            forget();
        }
    }

    /**
     * An idle connection, or null when the caller is to open a new one (counted as open already):
     * waits for a connection given back, for {@link #SPARE_AFTER} before opening a spare (when
     * {@code spare}; else only when none is open), and at most the borrow timeout in all.
     */
    private synchronized Idle take(boolean spare) throws SQLException {
        long now = time.nanoTime();
        long deadline = now + borrowTimeout.toNanos();
        long spareAt = now + SPARE_AFTER.toNanos();
        waiting++;
        try {
            while (true) {
                if (closed) {
                    throw new SQLException("monitor " + monitorId + ": connections closed (monitor stopped)", "08003");
                }
                if (!idle.isEmpty()) {
                    return idle.pollFirst();
                }
                now = time.nanoTime();
                if (open == 0 || spare && open < MAX_CONNECTIONS && now - spareAt >= 0) {
                    if (failed != null) {
                        throw new NotTried(failed);
                    }
                    open++;
                    return null;
                }
                if (now - deadline >= 0) {
                    throw new SQLException("monitor " + monitorId + ": all " + open + " connections busy for "
                            + borrowTimeout.toMillis() + " ms", "08004");
                }
                time.await(this, spare && open < MAX_CONNECTIONS && spareAt - deadline < 0 ? spareAt : deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection", "08004", e);
        } finally {
            waiting--;
        }
    }

    private synchronized long collection() {
        return collection;
    }

    /**
     * A new connection asked for during collection {@code during} failed: one less, and the rest of that
     * collection, if it still runs, does not try again.
     */
    private synchronized void failed(SQLException e, long during) {
        if (collecting && during == collection) {
            failed = e;
        }
        forget();
    }

    /** A collection begins: its first borrower that needs a new connection tries one. */
    public synchronized void collectionBegins() {
        collecting = true;
        collection++;
        failed = null;
    }

    /** The collection has ended: borrowers outside collections (a scrape, the heartbeat) try every time. */
    public synchronized void collectionEnds() {
        collecting = false;
        failed = null;
    }

    /**
     * A new connection not tried, because one failed earlier in the same collection: that failure's message,
     * SQLState and error code, and the failure as its cause.
     */
    public static final class NotTried extends SQLException {
        NotTried(SQLException failed) {
            super(failed.getMessage(), failed.getSQLState(), failed.getErrorCode(), failed);
        }
    }

    /** One connection less: it failed to open, was found dead, or was closed. */
    private synchronized void forget() {
        open--;
        notifyAll();
    }

    private static boolean isAlive(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Takes a connection back from a borrower: for a borrower waiting, else kept idle, unless
     * another connection is idle already (then it is closed: between collections, one is enough).
     */
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
            if (keep && !closed && (waiting > 0 || idle.isEmpty())) {
                idle.addFirst(new Idle(physical, time.now()));
                notifyAll();
                return;
            }
        }
        closeQuietly(physical);
        forget();
    }

    /**
     * The connection's statement for {@code sql}, prepared on first use and kept while the connection
     * is open; at most {@link #MAX_STATEMENTS} per connection (the plan's statements; more, e.g. SQL
     * made from changing names, start the set afresh).
     */
    PreparedStatement reusable(Connection physical, String sql) throws SQLException {
        Map<String, PreparedStatement> prepared = statements.computeIfAbsent(physical, c -> new HashMap<>());
        PreparedStatement s = prepared.get(sql);
        if (s != null && !s.isClosed()) {
            return s;
        }
        if (prepared.size() >= MAX_STATEMENTS) {
            for (PreparedStatement old : prepared.values()) {
                old.close();
            }
            prepared.clear();
        }
        s = physical.prepareStatement(sql);
        prepared.put(sql, s);
        return s;
    }

    /** Forgets a connection a borrower aborted. */
    void discard(Connection physical) {
        closeQuietly(physical);
        forget();
    }

    /** Closes the idle connections (e.g. after MySQL restarted); lent ones close when given back. */
    public void evictIdle() {
        Deque<Idle> old;
        synchronized (this) {
            old = new ArrayDeque<>(idle);
            idle.clear();
            open -= old.size();
            notifyAll();
        }
        old.forEach(i -> closeQuietly(i.connection()));
    }

    /** How many connections are open now (lent, idle or opening): for tests and status. */
    public synchronized int open() {
        return open;
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

    private void closeQuietly(Connection c) {
        statements.remove(c); // closed with the connection
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
