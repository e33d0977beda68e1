package io.blip.domains.repllag;

import io.blip.api.collect.ConnectionSource;
import io.blip.api.collect.ReusableStatements;
import io.blip.api.time.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Reads Blip heartbeats on a replica, on its own virtual thread, the way Blip's reader does: it
 * reads the heartbeat it follows, then sleeps until the next one is due plus the network latency,
 * so it sees each heartbeat soon after it arrives and measures sub-second lag whatever the write
 * frequency. A heartbeat that is late is read again every 50, 100, then 500 ms, and its lateness
 * is the lag. {@link #report()} gives the worst lag since the last report.
 *
 * <p>It follows, in order of precedence: one source id; the latest heartbeat of a source role; or
 * the latest heartbeat of any source (in both latter cases, not this monitor's own). Ages are
 * computed by MySQL ({@code TIMESTAMPDIFF} against {@code NOW(3)}), so neither the monitor's clock
 * nor time zones matter.
 *
 * <p>It takes a connection per read and gives it back at once. While it follows a heartbeat it takes
 * one at once, as the time of its read is part of the lag it measures (the pool opens a spare when a
 * collection holds the monitor's connection); otherwise (no heartbeat yet, not a replica, errors)
 * it waits for the monitor's connection ({@link ConnectionSource#awaitConnection()}), so that a
 * monitor that has nothing to time holds one connection between collections. It sleeps on the
 * monitor's {@link Time} (virtual in tests).
 */
final class HeartbeatReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatReader.class);

    /** Wait after an error, when there is no heartbeat, or when the instance is not a replica. */
    static final Duration RETRY_WAIT = Duration.ofSeconds(2);
    /**
     * The longest wait after errors in a row: the wait doubles from {@link #RETRY_WAIT} with each, so
     * that a heartbeat table that does not exist costs a query every 30 s, not every 2 s (Blip retries
     * every second: with the default plan, 1,000 monitors of servers without the table spent a sixth
     * of their CPU on it).
     */
    static final Duration MAX_ERROR_WAIT = Duration.ofSeconds(30);

    private static final String AGE = "SELECT TIMESTAMPDIFF(MICROSECOND, ts, NOW(3)) DIV 1000, freq, src_id FROM ";

    /**
     * What {@code collect} reports.
     *
     * @param replica whether the instance is a replica (always, without a repl-check)
     * @param millis  the lag; -1 when there is no heartbeat
     * @param source  the source id of the heartbeat read
     */
    record Lag(boolean replica, long millis, String source) {
        static final Lag NO_HEARTBEAT = new Lag(true, -1, "");
        static final Lag NOT_A_REPLICA = new Lag(false, -1, "");
    }

    /**
     * The outcome of reading one heartbeat.
     *
     * @param lagMillis the lag
     * @param sleep     how long to sleep before the next read
     * @param lateReads how many reads in a row found the heartbeat late
     */
    record Reading(long lagMillis, Duration sleep, int lateReads) {
    }

    /**
     * Which heartbeat to follow. A monitor never follows its own heartbeats, which it wrote when it
     * was a source, unless told to by source id.
     *
     * @param table      the quoted table, e.g. {@code `blip`.`heartbeat`}
     * @param sourceId   a source id, or empty
     * @param sourceRole a source role, or empty
     * @param ownId      this monitor's own source id
     */
    record Follow(String table, String sourceId, String sourceRole, String ownId) {
        String sql() {
            if (!sourceId.isEmpty()) {
                return AGE + table + " WHERE src_id = ?";
            }
            String where = sourceRole.isEmpty() ? " WHERE src_id <> ?" : " WHERE src_role = ? AND src_id <> ?";
            return AGE + table + where + " ORDER BY ts DESC LIMIT 1";
        }

        List<String> parameters() {
            if (!sourceId.isEmpty()) {
                return List.of(sourceId);
            }
            return sourceRole.isEmpty() ? List.of(ownId) : List.of(sourceRole, ownId);
        }
    }

    private final DataSource db;
    private final String monitorId;
    private final String table;
    private final String sql;
    private final List<String> parameters;
    private final ReplCheck replCheck;
    private final long latencyMillis;
    private final Time time;

    // Guarded by this.
    private Lag latest = Lag.NO_HEARTBEAT;
    /** The source of the last heartbeat read, for {@code repl-soruce-change}; guarded by this. */
    private String lastSource;
    private long worstSinceReport = -1;
    private int lateReads;
    private Exception error; // of the last read, if it failed
    private int errorsInARow;
    private Thread thread;
    private boolean closed;

    HeartbeatReader(DataSource db, String monitorId, Follow follow, ReplCheck replCheck, Duration networkLatency,
                    Time time) {
        this.db = db;
        this.monitorId = monitorId;
        this.table = follow.table();
        this.sql = follow.sql();
        this.parameters = follow.parameters();
        this.replCheck = replCheck;
        this.latencyMillis = networkLatency.toMillis();
        this.time = time;
    }

    /**
     * Lag from one heartbeat whose age (server time minus its {@code ts}) and write frequency are
     * known; the next heartbeat is due {@code freq - age} ms from now.
     */
    static Reading evaluate(long ageMillis, long freqMillis, long latencyMillis, int lateReads) {
        long untilNext = freqMillis - ageMillis;
        if (untilNext > 0) {
            // On time. Read soon after it was written (we slept until then), its age is the lag.
            return new Reading(Math.max(0, ageMillis - latencyMillis), Duration.ofMillis(untilNext + latencyMillis), 0);
        }
        int late = lateReads + 1;
        long wait = late <= 4 ? 50 : late <= 8 ? 100 : 500;
        return new Reading(-untilNext, Duration.ofMillis(wait), late);
    }

    /** Reads once before returning, so the first collect has a value, then keeps reading in the background. */
    void start() {
        Duration first = readOnce();
        synchronized (this) {
            if (thread == null && !closed) {
                thread = Thread.ofVirtual().name("blip-heartbeat-reader-" + monitorId).start(() -> run(first));
            }
        }
    }

    private void run(Duration firstWait) {
        Duration wait = firstWait;
        while (!isClosed()) {
            try {
                time.sleep(wait);
            } catch (InterruptedException e) {
                return; // closed
            }
            wait = readOnce();
        }
    }

    /** Reads the followed heartbeat once; returns how long to wait before the next read. */
    Duration readOnce() {
        try (Connection c = connection()) {
            if (!replCheck.isReplica(c)) {
                record(Lag.NOT_A_REPLICA, 0);
                return RETRY_WAIT;
            }
            if (c.isWrapperFor(ReusableStatements.class)) {
                return read(c.unwrap(ReusableStatements.class).reusable(sql)); // the pool keeps it prepared
            }
            try (PreparedStatement s = c.prepareStatement(sql)) {
                return read(s);
            }
        } catch (SQLException | RuntimeException e) {
            // Kept for the next report; the reader goes on, as the table may appear or MySQL come back.
            log.debug("{}: reading heartbeat from {} failed: {}", monitorId, table, e.toString());
            int errors;
            synchronized (this) {
                error = e;
                errors = ++errorsInARow;
            }
            return errorWait(errors);
        }
    }

    /** A connection at once while a heartbeat is followed, else when the monitor's connection is free. */
    private Connection connection() throws SQLException {
        boolean timing;
        synchronized (this) {
            timing = error == null && latest.replica() && latest.millis() >= 0;
        }
        if (!timing && db.isWrapperFor(ConnectionSource.class)) {
            return db.unwrap(ConnectionSource.class).awaitConnection();
        }
        return db.getConnection();
    }

    private Duration read(PreparedStatement s) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            s.setString(i + 1, parameters.get(i));
        }
        try (ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                record(Lag.NO_HEARTBEAT, 0);
                return RETRY_WAIT;
            }
            Reading r = evaluate(rs.getLong(1), rs.getLong(2), latencyMillis, lateReads());
            String source = rs.getString(3);
            String was = record(new Lag(true, r.lagMillis(), source), r.lateReads());
            if (was != null) {
                // Blip's event, by Blip's name, misspelt as Blip emits it (io.blip.runtime.event.Event).
                log.info("repl-soruce-change: monitor {}: {} to {}", monitorId, was, source);
            }
            return r.sleep();
        }
    }

    /** How long to wait after the n-th error in a row: {@link #RETRY_WAIT}, doubled each time, at most {@link #MAX_ERROR_WAIT}. */
    static Duration errorWait(int errorsInARow) {
        long millis = RETRY_WAIT.toMillis() << Math.min(errorsInARow - 1, 10);
        return Duration.ofMillis(Math.min(millis, MAX_ERROR_WAIT.toMillis()));
    }

    private synchronized int lateReads() {
        return lateReads;
    }

    /** Keeps what was read; the source read before when the heartbeat read now is another's, else null. */
    private synchronized String record(Lag lag, int late) {
        String was = null;
        if (lag.replica() && lag.source() != null) {
            if (lastSource != null && !lastSource.equals(lag.source())) {
                was = lastSource;
            }
            lastSource = lag.source();
        }
        latest = lag;
        lateReads = late;
        error = null;
        errorsInARow = 0;
        if (lag.millis() > worstSinceReport) {
            worstSinceReport = lag.millis();
        }
        return was;
    }

    /**
     * The worst lag read since the last report, or the latest state (no heartbeat, not a replica).
     *
     * @throws SQLException          when the last read failed, e.g. the table does not exist
     * @throws IllegalStateException when the last read failed otherwise
     */
    synchronized Lag report() throws SQLException {
        if (error instanceof SQLException e) {
            throw new SQLException("reading heartbeat from " + table + ": " + e.getMessage(), e.getSQLState(),
                    e.getErrorCode(), e);
        }
        if (error != null) {
            throw new IllegalStateException("reading heartbeat from " + table + ": " + error, error);
        }
        Lag lag = latest;
        if (lag.replica() && lag.millis() >= 0 && worstSinceReport > lag.millis()) {
            lag = new Lag(true, worstSinceReport, lag.source());
        }
        worstSinceReport = -1;
        return lag;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Stops the background reads. */
    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
