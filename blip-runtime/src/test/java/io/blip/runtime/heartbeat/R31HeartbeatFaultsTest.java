package io.blip.runtime.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.HeartbeatConfig;
import io.blip.api.config.MonitorConfig;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestSecrets;
import io.blip.testkit.VirtualTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * R31: the heartbeat when things go wrong, on one MariaDB that the {@code repl.lag} domain reads as a
 * replica ({@code repl-check: server_id}). The source goes down (its writer stops after writing): the lag
 * read grows about one second per second, never 0. No row for the source: {@code current} dropped, or -1
 * with {@code report-no-heartbeat: yes}. A writer on a read-only server writes nothing and checks again
 * every 20 s (virtual time).
 */
class R31HeartbeatFaultsTest {
    private static final String PASSWORD = TestSecrets.secret("R31HeartbeatFaultsTest.PASSWORD", "r31-pw");
    private static final String TABLE = "r31.heartbeat";
    private static final String USER = "r31_writer";

    @Test
    void lagGrowsWhileTheSourceIsDownNoRowIsDroppedOrMinusOneAndReadOnlyBacksOff20s() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.execute("CREATE DATABASE IF NOT EXISTS r31", HeartbeatWriter.TABLE_DDL.formatted(TABLE),
                "DELETE FROM " + TABLE);
        db.createUser(USER, PASSWORD, "SELECT, INSERT, UPDATE, DELETE ON r31.*", "SELECT ON *.*");

        // The source writes, then goes down.
        var writer = new HeartbeatWriter("r31-src", new HeartbeatConfig("1s", "", "", TABLE),
                db.dataSource(USER, PASSWORD), Time.system());
        writer.start();
        awaitRow(db);
        writer.close();
        Collector follow = replLag(db, Map.of("source-id", "r31-src"));
        List<Long> lags = new ArrayList<>();
        // The next heartbeat is due 1 s (its freq) after the last: until then the lag read is the last one's.
        long due = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (lag(follow) <= 200) {
            assertTrue(System.nanoTime() - due < 0, "the lag never grew past 200 ms");
            Thread.sleep(50); // the pace of the readings
        }
        long t0 = System.nanoTime();
        long lag0 = lag(follow);
        lags.add(lag0);
        long lag1;
        do {
            Thread.sleep(250); // the pace of the readings, not a wait for an outcome
            lag1 = lag(follow);
            lags.add(lag1);
        } while (System.nanoTime() - t0 < Duration.ofMillis(2_500).toNanos());
        double perSecond = (lag1 - lag0) / ((System.nanoTime() - t0) / 1e6);
        assertTrue(lags.stream().allMatch(l -> l > 0), "never 0 with the source down: " + lags);
        assertTrue(perSecond >= 0.75 && perSecond <= 1.25, "lag grew " + perSecond + " s per second: " + lags);

        // No row for the source followed.
        List<MetricValue> dropped = replLag(db, Map.of("source-id", "r31-nobody")).collect("l");
        List<MetricValue> minusOne = replLag(db, Map.of("source-id", "r31-nobody", "report-no-heartbeat", "yes"))
                .collect("l");
        assertEquals(List.of(), dropped, "no heartbeat: current dropped by default");
        assertEquals(List.of(-1.0), minusOne.stream().map(MetricValue::value).toList(), "or -1 when asked");

        // A writer on a read-only server.
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        AtomicInteger tries = new AtomicInteger();
        db.execute("DELETE FROM " + TABLE);
        db.execute("SET GLOBAL read_only = 1");
        int triesAt19;
        int triesAt20;
        long rows;
        try (var onReadOnly = new HeartbeatWriter("r31-ro", new HeartbeatConfig("1s", "", "", TABLE),
                HeartbeatWriterTest.counting(db.dataSource(USER, PASSWORD), tries), time)) {
            onReadOnly.start();
            time.awaitWaiters(1, Duration.ofSeconds(15));
            assertTrue(onReadOnly.status().startsWith("MySQL is read-only"), onReadOnly.status());
            time.advance(Duration.ofSeconds(19));
            triesAt19 = tries.get();
            time.advance(Duration.ofSeconds(1));
            time.awaitWaiters(1, Duration.ofSeconds(15));
            triesAt20 = tries.get();
            rows = count(db, "SELECT COUNT(*) FROM " + TABLE);
        } finally {
            db.execute("SET GLOBAL read_only = 0");
        }
        assertEquals(1, triesAt19, "one check, then nothing for 19 s");
        assertEquals(2, triesAt20, "checked again at 20 s");
        assertEquals(0, rows, "nothing written on a read-only server");

        Reliability.figure("R31", R31HeartbeatFaultsTest.class, String.format(
                "source down (its writer stopped), once its next heartbeat was late: lag read %s ms over %.1f s,"
                        + " %.2f s of lag per second, never 0;"
                        + " no row: current dropped (%d values), -1 with report-no-heartbeat: yes; a writer on a"
                        + " read-only server: %d check in the first 19 s, %d by 20 s (virtual), %d rows written",
                lags, (System.nanoTime() - t0) / 1e9, perSecond, dropped.size(), triesAt19, triesAt20, rows));
    }

    private static Collector replLag(EmbeddedMariaDb db, Map<String, String> options) throws Exception {
        CollectorFactory factory = ServiceLoader.load(CollectorFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.help().domain().equals("repl.lag")).findFirst().orElseThrow();
        Map<String, String> all = new HashMap<>(options);
        all.put("writer", "blip");
        all.put("table", TABLE);
        all.put("repl-check", "server_id");
        Plan plan = new Plan("lag", "test", Map.of("l", new Level("l", Duration.ofSeconds(1),
                Map.of("repl.lag", new Domain("repl.lag", List.of("current"), all, Map.of())))));
        Collector c = factory.make(CollectorContext.of(MonitorConfig.of("r31-replica"), db.dataSource(USER, PASSWORD),
                Time.system()));
        c.prepare(plan);
        return c;
    }

    private static long lag(Collector c) throws Exception {
        List<MetricValue> values = c.collect("l");
        return values.isEmpty() ? -1 : (long) values.getFirst().value();
    }

    private static void awaitRow(EmbeddedMariaDb db) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (count(db, "SELECT COUNT(*) FROM " + TABLE + " WHERE src_id = 'r31-src'") == 0) {
            assertTrue(System.nanoTime() - end < 0, "no heartbeat written in 15 s");
            Thread.sleep(50); // polling the server for the writer's first row
        }
    }

    private static long count(EmbeddedMariaDb db, String sql) {
        try (Connection c = db.admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new AssertionError(sql, e);
        }
    }
}
