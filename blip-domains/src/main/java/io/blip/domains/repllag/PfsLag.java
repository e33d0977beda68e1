package io.blip.domains.repllag;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replication lag per channel from MySQL 8's Performance Schema, as Blip computes it: the worst
 * lag of a transaction being applied; else, when new transactions arrived since the last look,
 * the lag MySQL recorded for the last applied one; else, when a replication thread is not ON, the
 * time since the last applied one (a stopped replica lags more and more); else zero.
 *
 * <p>Two changes from Blip. Blip forgets the last queued transaction between collections (it makes
 * a new map each time), so its "arrived since the last look" test is always true; here it is kept
 * per channel. And the coordinator table is left-joined: it is empty on a single-threaded replica,
 * which Blip's inner join would report as "not a replica".
 */
final class PfsLag {
    static final String WORKERS = """
            SELECT r.CHANNEL_NAME, r.LAST_QUEUED_TRANSACTION, r.SERVICE_STATE,
              COALESCE(c.SERVICE_STATE, w.SERVICE_STATE), w.LAST_APPLIED_TRANSACTION,
              UNIX_TIMESTAMP(NOW(6)),
              UNIX_TIMESTAMP(w.LAST_APPLIED_TRANSACTION_IMMEDIATE_COMMIT_TIMESTAMP),
              COALESCE(TIMESTAMPDIFF(MICROSECOND, w.LAST_APPLIED_TRANSACTION_IMMEDIATE_COMMIT_TIMESTAMP,
                w.LAST_APPLIED_TRANSACTION_END_APPLY_TIMESTAMP), 0),
              UNIX_TIMESTAMP(w.APPLYING_TRANSACTION_IMMEDIATE_COMMIT_TIMESTAMP)
            FROM performance_schema.replication_connection_status r
              JOIN performance_schema.replication_applier_status_by_worker w USING (CHANNEL_NAME)
              LEFT JOIN performance_schema.replication_applier_status_by_coordinator c USING (CHANNEL_NAME)""";

    /**
     * One applier worker. Timestamps are Unix seconds with microseconds, 0 when unset.
     *
     * @param lastQueued         the last transaction the IO thread queued (same for every worker of a channel)
     * @param ioState            the IO (receiver) thread's state
     * @param sqlState           the SQL (coordinator) thread's state
     * @param lastApplied        the last transaction this worker applied
     * @param now                the server's time
     * @param lastAppliedTs      when the source committed the last applied transaction
     * @param lastAppliedLagUs   how long that transaction took from commit on the source to applied here
     * @param applyingTs         when the source committed the transaction being applied; 0 when idle
     */
    record Worker(String lastQueued, String ioState, String sqlState, String lastApplied, double now,
                  double lastAppliedTs, double lastAppliedLagUs, double applyingTs) {
    }

    /**
     * @param currentMs   the lag in milliseconds
     * @param backlog     transactions queued but not applied
     * @param workerUsage the fraction of workers applying
     */
    record ChannelLag(double currentMs, double backlog, double workerUsage) {
    }

    private final Map<String, String> lastQueued = new HashMap<>(); // by channel; guarded by this

    /** The workers of each replication channel; empty when the server is not a replica. */
    static Map<String, List<Worker>> workers(Connection c) throws SQLException {
        var channels = new LinkedHashMap<String, List<Worker>>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(WORKERS)) {
            while (rs.next()) {
                var w = new Worker(text(rs, 2), text(rs, 3), text(rs, 4), text(rs, 5), rs.getDouble(6),
                        rs.getDouble(7), rs.getDouble(8), rs.getDouble(9));
                channels.computeIfAbsent(text(rs, 1), k -> new ArrayList<>()).add(w);
            }
        }
        return channels;
    }

    private static String text(ResultSet rs, int column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? "" : s;
    }

    /** The lag of one channel; remembers its last queued transaction for the next call. */
    synchronized ChannelLag lagOf(String channel, List<Worker> workers) {
        int applying = 0;
        double oldestApplying = 0;
        Worker latest = null; // applied the highest transaction number
        for (Worker w : workers) {
            if (w.applyingTs() > 0) {
                applying++;
                if (applying == 1 || w.applyingTs() < oldestApplying) {
                    oldestApplying = w.applyingTs();
                }
            }
            if (latest == null || appliedLater(w, latest)) {
                latest = w;
            }
        }
        Worker first = workers.getFirst(); // channel-wide columns are the same on every row
        double current;
        if (applying > 0) {
            // Worst case: the oldest transaction still being applied.
            current = Math.floor((first.now() - oldestApplying) * 1000);
        } else if (!first.lastQueued().equals(lastQueued.get(channel))) {
            // Idle, but work arrived since the last look: report what MySQL measured for the last one,
            // not the time since it, which would depend on how often Blip looks.
            current = Math.floor(latest.lastAppliedLagUs() / 1000);
        } else if (!"ON".equals(first.ioState()) || !"ON".equals(first.sqlState())) {
            current = Math.floor((first.now() - latest.lastAppliedTs()) * 1000);
        } else {
            current = 0;
        }
        lastQueued.put(channel, first.lastQueued());
        long backlog = Math.max(0, trxNumber(first.lastQueued()) - trxNumber(latest.lastApplied()));
        return new ChannelLag(current, backlog, (double) applying / workers.size());
    }

    private static boolean appliedLater(Worker a, Worker b) {
        long na = trxNumber(a.lastApplied());
        long nb = trxNumber(b.lastApplied());
        return na != nb ? na > nb : a.lastAppliedTs() > b.lastAppliedTs();
    }

    /** {@code 3E11FA47-71CA-11E1-9E33-C80AA9429562:23} is 23; anything without a number (ANONYMOUS) is 0. */
    static long trxNumber(String gtid) {
        String n = gtid.substring(gtid.lastIndexOf(':') + 1);
        if (n.isEmpty() || n.length() > 18 || !n.chars().allMatch(Character::isDigit)) {
            return 0;
        }
        return Long.parseLong(n);
    }
}
