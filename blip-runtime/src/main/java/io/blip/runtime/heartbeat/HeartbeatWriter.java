package io.blip.runtime.heartbeat;

import io.blip.api.collect.ReusableStatements;
import io.blip.api.config.Durations;
import io.blip.api.config.HeartbeatConfig;
import io.blip.api.config.MonitorConfig;
import io.blip.api.time.Time;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a monitor's Blip heartbeats, on its own virtual thread, the way Blip's writer does
 * ({@code heartbeat/writer.go}): first an {@code INSERT … ON DUPLICATE KEY UPDATE} that makes or
 * refreshes the monitor's row (its source id, role and frequency), then an {@code UPDATE … SET
 * ts=NOW(3)} every {@code heartbeat.freq}. A replica's {@code repl.lag} reads the row as it
 * replicates.
 *
 * <p>A read-only server (one that refuses the write with error 1290 or 1836, or whose
 * {@code @@global.read_only} is on when the writer starts or retries) is not written: the writer
 * waits {@link #READ_ONLY_WAIT} and tries again, as a replica that may be promoted. The check is
 * {@code @@read_only}, which MySQL and MariaDB both have (MariaDB has no {@code super_read_only};
 * on MySQL {@code super_read_only} implies {@code read_only}), so a user whose privileges would let
 * it write through {@code read_only} does not write on a replica either.
 *
 * <p>A problem a person must fix (no table, no grant, no such column) is logged once, as one WARN
 * that names the monitor and the table and says what to run; the writer tries again every
 * {@link #SETUP_ERROR_WAIT} without repeating it, and logs once more when it writes again. Other
 * errors (MySQL down, a timeout) are logged once per distinct error and retried at the heartbeat's
 * frequency, as Blip does. Each write is bounded by {@link #WRITE_TIMEOUT} (the statement's query
 * timeout). It takes a connection of the monitor's pool per write and gives it back at once, and
 * waits only on the monitor's {@link Time}.
 */
public final class HeartbeatWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWriter.class);

    /** How long one write may take (Blip's {@code WriteTimeout}). */
    public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    /** The wait after an error a person must fix, e.g. no table (Blip's {@code InitErrorWait}). */
    public static final Duration SETUP_ERROR_WAIT = Duration.ofSeconds(10);
    /** The wait while the server is read-only (Blip's {@code ReadOnlyWait}). */
    public static final Duration READ_ONLY_WAIT = Duration.ofSeconds(20);
    /** The default table, in the default database {@value #DEFAULT_DATABASE}. */
    public static final String DEFAULT_TABLE = "blip.heartbeat";
    public static final String DEFAULT_DATABASE = "blip";
    /** The longest frequency the table's {@code freq smallint unsigned} (milliseconds) holds. */
    public static final Duration MAX_FREQ = Duration.ofMillis(65_535);

    /** Blip's table ({@code BLIP_TABLE_DDL}), {@code %s} its name: {@code ts} the heartbeat, {@code freq} in ms. */
    public static final String TABLE_DDL = "CREATE TABLE IF NOT EXISTS %s (src_id varchar(200) NOT NULL PRIMARY KEY,"
            + " src_role varchar(200) NULL DEFAULT NULL, ts timestamp(3) NOT NULL, freq smallint unsigned NOT NULL)"
            + " ENGINE=InnoDB";

    /** MySQL error codes: read-only ({@code ER_OPTION_PREVENTS_STATEMENT}, {@code ER_READ_ONLY_MODE}). */
    private static final int OPTION_PREVENTS_STATEMENT = 1290;
    private static final int READ_ONLY_MODE = 1836;
    private static final int NO_SUCH_TABLE = 1146;
    private static final int BAD_FIELD = 1054;
    private static final int BAD_DB = 1049;
    private static final int TABLE_ACCESS_DENIED = 1142;
    private static final int COLUMN_ACCESS_DENIED = 1143;
    private static final int DB_ACCESS_DENIED = 1044;
    private static final int ACCESS_DENIED = 1045;

    /** What one attempt found. */
    enum Outcome { WRITTEN, READ_ONLY, SETUP_ERROR, ERROR }

    private final String monitorId;
    private final DataSource db;
    private final Time time;
    private final Duration freq;
    private final String sourceId;
    private final String role;
    private final String table;
    private final String insert;
    private final String update;

    // Guarded by this.
    private Thread thread;
    private boolean closed;
    private String status = "not started";
    /** The problem last logged, so that a retry that fails alike logs nothing. */
    private String lastLogged = "";

    /**
     * @param monitorId the monitor's id, for events, and the source id unless {@code config} has one
     * @param config    the monitor's {@code heartbeat} section; {@code freq} set and valid
     * @param db        the monitor's connections
     * @param time      the monitor's time
     * @throws IllegalArgumentException when {@code freq} or {@code table} is not valid (boot checks both first)
     */
    public HeartbeatWriter(String monitorId, HeartbeatConfig config, DataSource db, Time time) {
        this.monitorId = monitorId;
        this.db = db;
        this.time = time;
        this.freq = Durations.parse("heartbeat.freq", config.freq());
        if (freqProblem(freq).isPresent()) {
            throw new IllegalArgumentException("heartbeat.freq: " + freqProblem(freq).get());
        }
        this.sourceId = config.sourceId().isEmpty() ? monitorId : config.sourceId();
        this.role = config.role();
        String name = config.table().isEmpty() ? DEFAULT_TABLE : config.table();
        String quoted = quotedTable(name).orElseThrow(
                () -> new IllegalArgumentException("heartbeat.table: '" + name + "' is not a table name"));
        this.table = name.contains(".") ? name : DEFAULT_DATABASE + "." + name;
        // Blip writes NULL for no role, and so replaces a role the row had.
        this.insert = "INSERT INTO " + quoted + " (src_id, src_role, ts, freq) VALUES (?, ?, NOW(3), ?)"
                + " ON DUPLICATE KEY UPDATE ts=NOW(3), freq=?, src_role=?";
        this.update = "UPDATE " + quoted + " SET ts=NOW(3) WHERE src_id=?";
    }

    /** The writer a monitor's config asks for, if its {@code heartbeat.freq} is set. */
    public static Optional<HeartbeatWriter> of(MonitorConfig monitor, DataSource db, Time time) {
        if (monitor.heartbeat().freq().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new HeartbeatWriter(monitor.id(), monitor.heartbeat(), db, time));
    }

    /**
     * {@code db.table} or {@code table} (in {@value #DEFAULT_DATABASE}) quoted for SQL, or empty when
     * {@code table} is not such a name.
     */
    public static Optional<String> quotedTable(String table) {
        return io.blip.runtime.mysql.TableName.quoted(table);
    }

    /** Why {@code freq} cannot be a heartbeat frequency, if it cannot. */
    public static Optional<String> freqProblem(Duration freq) {
        if (freq.isZero()) {
            return Optional.of("must be greater than zero; to turn the heartbeat off, remove freq");
        }
        if (freq.toMillis() < 1) {
            return Optional.of("must be at least 1ms (the table's freq column holds milliseconds)");
        }
        if (freq.compareTo(MAX_FREQ) > 0) {
            return Optional.of("must be at most 65535ms (the table's freq column holds milliseconds in a"
                    + " smallint unsigned); 2s is the recommended frequency");
        }
        return Optional.empty();
    }

    /** Starts writing in the background; once only. */
    public synchronized void start() {
        if (thread == null && !closed) {
            LOG.info("monitor {}: heartbeat: writing source id '{}' to {} every {} ms", monitorId, sourceId, table,
                    freq.toMillis());
            thread = Thread.ofVirtual().name("blip-heartbeat-writer-" + monitorId).start(this::run);
        }
    }

    /** Stops writing; a write in flight ends within {@link #WRITE_TIMEOUT}, in the background. */
    @Override
    public synchronized void close() {
        closed = true;
        status = "stopped";
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** What the writer is doing, for the monitor's status: {@code writing}, {@code read-only}, an error. */
    public synchronized String status() {
        return status;
    }

    private void run() {
        boolean rowWritten = false;
        while (!isClosed()) {
            Outcome outcome = attempt(rowWritten);
            rowWritten = outcome == Outcome.WRITTEN;
            Duration wait = switch (outcome) {
                case WRITTEN, ERROR -> freq;
                case READ_ONLY -> READ_ONLY_WAIT;
                case SETUP_ERROR -> SETUP_ERROR_WAIT;
            };
            try {
                time.sleep(wait);
            } catch (InterruptedException e) {
                return; // closed
            }
        }
    }

    /**
     * One write on one connection: a heartbeat when the row was written before, else (at first, and
     * after any failure) the row itself; a heartbeat that finds no row (someone deleted it) writes it.
     */
    Outcome attempt(boolean rowWritten) {
        try (Connection c = db.getConnection()) {
            try {
                if (rowWritten && beat(c) > 0) {
                    return written();
                }
                if (readOnly(c)) {
                    return readOnly();
                }
                writeRow(c);
                return written();
            } catch (SQLException e) {
                return failed(e, grantee(c, e.getErrorCode()));
            }
        } catch (SQLException | RuntimeException e) {
            return failed(e, "<user>");
        }
    }

    /** The account to grant to when MySQL denied a write, as {@code GRANT} wants it: {@code 'blip'@'%'}. */
    private static String grantee(Connection c, int error) {
        if (error != TABLE_ACCESS_DENIED && error != COLUMN_ACCESS_DENIED && error != DB_ACCESS_DENIED) {
            return "<user>";
        }
        try (PreparedStatement s = c.prepareStatement("SELECT CURRENT_USER()"); ResultSet rs = s.executeQuery()) {
            String account = rs.next() ? rs.getString(1) : "";
            int at = account.lastIndexOf('@');
            return at < 0 ? "<user>" : "'" + account.substring(0, at) + "'@'" + account.substring(at + 1) + "'";
        } catch (SQLException e) {
            return "<user>";
        }
    }

    /** Blip's first write: makes or refreshes the monitor's row, with its role and frequency. */
    private void writeRow(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(insert)) {
            s.setQueryTimeout((int) WRITE_TIMEOUT.toSeconds());
            String nullableRole = role.isEmpty() ? null : role;
            s.setString(1, sourceId);
            s.setString(2, nullableRole);
            s.setLong(3, freq.toMillis());
            s.setLong(4, freq.toMillis());
            s.setString(5, nullableRole);
            s.executeUpdate();
        }
    }

    /** A heartbeat: the row's {@code ts} now; returns the rows updated. */
    private int beat(Connection c) throws SQLException {
        if (c.isWrapperFor(ReusableStatements.class)) {
            return update(c.unwrap(ReusableStatements.class).reusable(update)); // kept prepared by the pool
        }
        try (PreparedStatement s = c.prepareStatement(update)) {
            return update(s);
        }
    }

    private int update(PreparedStatement s) throws SQLException {
        s.setQueryTimeout((int) WRITE_TIMEOUT.toSeconds());
        s.setString(1, sourceId);
        return s.executeUpdate();
    }

    private static boolean readOnly(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT @@global.read_only");
             ResultSet rs = s.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private Outcome written() {
        synchronized (this) {
            if (!closed) {
                status = "writing";
            }
            if (lastLogged.isEmpty()) {
                return Outcome.WRITTEN;
            }
            lastLogged = "";
        }
        LOG.info("monitor {}: heartbeat: writing to {} again", monitorId, table);
        return Outcome.WRITTEN;
    }

    private Outcome readOnly() {
        report("read-only", "MySQL is read-only; not writing heartbeats to " + table + ", checking again every "
                + READ_ONLY_WAIT.toSeconds() + " s", false);
        return Outcome.READ_ONLY;
    }

    private Outcome failed(Exception e, String grantee) {
        if (isClosed()) {
            return Outcome.ERROR; // interrupted by close, most likely
        }
        int code = e instanceof SQLException sql ? sql.getErrorCode() : 0;
        if (code == OPTION_PREVENTS_STATEMENT || code == READ_ONLY_MODE) {
            return readOnly();
        }
        String advice = advice(code, grantee);
        if (advice != null) {
            report("error " + code, "cannot write heartbeats to " + table + ": " + e.getMessage() + "; " + advice
                    + "; trying again every " + SETUP_ERROR_WAIT.toSeconds() + " s", true);
            return Outcome.SETUP_ERROR;
        }
        String state = e instanceof SQLException sql ? sql.getSQLState() : e.getClass().getName();
        report("error " + code + " " + state, "writing heartbeats to " + table + " failed: " + e.getMessage()
                + "; trying again every " + freq.toMillis() + " ms", true);
        return Outcome.ERROR;
    }

    /** What a person should do about an error the writer cannot get over by itself, or null. */
    private String advice(int code, String grantee) {
        String create = "create it on the source: CREATE DATABASE IF NOT EXISTS " + table.substring(0, table.indexOf('.'))
                + "; " + TABLE_DDL.formatted(table);
        String grant = "grant the monitor's MySQL user on the source: GRANT SELECT, INSERT, UPDATE, DELETE ON " + table
                + " TO " + grantee;
        return switch (code) {
            case NO_SUCH_TABLE, BAD_DB -> create;
            case BAD_FIELD -> "it is not Blip's heartbeat table, which is: " + TABLE_DDL.formatted(table);
            case TABLE_ACCESS_DENIED, COLUMN_ACCESS_DENIED, DB_ACCESS_DENIED -> grant;
            case ACCESS_DENIED -> "check the monitor's MySQL user and password";
            default -> null;
        };
    }

    /** Sets the status and logs {@code message} unless the last problem logged was the same ({@code kind}). */
    private void report(String kind, String message, boolean warn) {
        synchronized (this) {
            if (closed) {
                return;
            }
            status = message;
            if (kind.equals(lastLogged)) {
                return;
            }
            lastLogged = kind;
        }
        if (warn) {
            LOG.warn("monitor {}: heartbeat: {}", monitorId, message);
        } else {
            LOG.info("monitor {}: heartbeat: {}", monitorId, message);
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }
}
