package io.blip.domains.queryresponsetime;

import io.blip.testkit.EmbeddedMariaDb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Fills a copy of events_statements_histogram_global the way MySQL 8 does (storage/perfschema's
 * pfs_histogram.cc and table_esmh_global.cc): 450 buckets, bucket 0 from 0 to 10 µs, each next bound
 * 10^(1/50) times the one before (truncated to whole picoseconds), the last one's high bound 2^64−1;
 * a statement counts in the bucket whose [low, high) holds its latency; the quantile is the running
 * count over all, to 6 decimals.
 */
final class MySql8Histogram {
    static final int BUCKETS = 450;
    private static final double BASE_TIMER = 10_000_000; // 10 µs in picoseconds
    private static final double FACTOR = 1.0471285480508996;

    private MySql8Histogram() {
    }

    /** The bounds: timer[i] is bucket i's low and bucket i−1's high; timer[450] is 2^64−1 (as -1L). */
    static long[] timers() {
        long[] timer = new long[BUCKETS + 1];
        double current = BASE_TIMER;
        for (int i = 1; i < BUCKETS; i++) {
            timer[i] = (long) current;
            current *= FACTOR;
        }
        timer[BUCKETS] = -1L; // UINT64_MAX
        return timer;
    }

    static void fill(EmbeddedMariaDb db, String schema, List<Long> latenciesPs) throws SQLException {
        long[] timer = timers();
        long[] counts = new long[BUCKETS];
        for (long latency : latenciesPs) {
            int bucket = BUCKETS - 1;
            for (int i = 0; i < BUCKETS - 1; i++) {
                if (latency < timer[i + 1]) {
                    bucket = i;
                    break;
                }
            }
            counts[bucket]++;
        }
        long total = latenciesPs.size();
        try (Connection c = db.admin()) {
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM " + schema + ".events_statements_histogram_global");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + schema
                    + ".events_statements_histogram_global VALUES (?, ?, ?, ?, ?, ?)")) {
                long running = 0;
                for (int i = 0; i < BUCKETS; i++) {
                    running += counts[i];
                    insert.setInt(1, i);
                    insert.setString(2, Long.toUnsignedString(timer[i]));
                    insert.setString(3, Long.toUnsignedString(timer[i + 1]));
                    insert.setLong(4, counts[i]);
                    insert.setLong(5, running);
                    insert.setDouble(6, total == 0 ? 0 : (double) running / total);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }
}
