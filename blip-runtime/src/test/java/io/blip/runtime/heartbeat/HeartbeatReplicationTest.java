package io.blip.runtime.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MetricValue;
import io.blip.api.Secret;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.HeartbeatConfig;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.Credentials;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import io.blip.runtime.monitor.LevelClock;
import io.blip.runtime.monitor.Monitor;
import io.blip.runtime.mysql.MonitorPool;
import io.blip.runtime.mysql.MysqlConnector;
import io.blip.runtime.mysql.TestMonitors;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.LogEvents;
import io.blip.testkit.VirtualTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two MariaDB servers in real replication: a Blip monitor with {@code heartbeat.freq} on the
 * source writes, and the built-in {@code repl.lag} domain ({@code writer: blip}) reads on the
 * replica. Real time, as replication is: every wait is on a condition with a deadline.
 */
class HeartbeatReplicationTest {
    private static final String USER = "blip";
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private static EmbeddedMariaDb source;
    private static EmbeddedMariaDb replica;

    @BeforeAll
    static void replication() {
        source = EmbeddedMariaDb.start();
        replica = EmbeddedMariaDb.replicaOf(source, "--read-only");
        // Written on the source, so on the replica too: the table and the monitors' account.
        source.execute("CREATE DATABASE blip", HeartbeatWriter.TABLE_DDL.formatted("blip.heartbeat"));
        source.createUser(USER, "pw", "SELECT, INSERT, UPDATE, DELETE ON blip.heartbeat", "REPLICATION CLIENT ON *.*");
        await("the table and account on the replica", () -> count(replica,
                "SELECT COUNT(*) FROM mysql.user WHERE user = 'blip'") == 1);
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        if (source != null) {
            source.close();
        }
    }

    @Test
    void theReplicaReadsTheSourcesHeartbeatsWithSubSecondLag() throws Exception {
        Time time = Time.system();
        LevelClock clock = new LevelClock(time);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        Monitor writer = sourceMonitor(clock, threads, time);
        LogEvents log = new LogEvents(HeartbeatWriter.class);
        CollectorFactory replLag = ServiceLoader.load(CollectorFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.help().domain().equals("repl.lag")).findFirst().orElseThrow();
        Domain domain = new Domain("repl.lag", List.of("current"), Map.of("writer", "blip"), Map.of());
        Plan plan = new Plan("lag", "test", Map.of("fast", new Level("fast", Duration.ofSeconds(1),
                Map.of("repl.lag", domain))));
        try (Collector lag = replLag.make(CollectorContext.of(MonitorConfig.of("replica"),
                replica.dataSource(USER, "pw"), time))) {
            writer.start(Duration.ZERO);
            writer.running().toCompletableFuture().get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            lag.prepare(plan);
            await("a heartbeat on the replica", () -> lag(lag) >= 0);

            // Healthy: every reading within a second.
            long worst = 0;
            long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() - end < 0) {
                worst = Math.max(worst, Math.abs(lag(lag)));
                Thread.sleep(100); // the pace of the readings, not a wait for an outcome
            }
            assertTrue(worst <= 1000, "lag while replicating: " + worst + " ms");
            System.out.println("healthy lag, worst of 1.5 s: " + worst + " ms");

            // The replica's SQL thread stopped: the lag grows as fast as time goes.
            // A late heartbeat is read again every 50 to 500 ms, so a reading may be 500 ms old: over 3 s,
            // that is at most 0.17 s per second off.
            replica.execute("STOP SLAVE SQL_THREAD");
            await("the lag growing", () -> lag(lag) > 200);
            long t0 = System.nanoTime();
            long lag0 = lag(lag);
            long lag1;
            do {
                Thread.sleep(100);
                lag1 = lag(lag);
            } while (System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos());
            double perSecond = (lag1 - lag0) / ((System.nanoTime() - t0) / 1e6);
            System.out.printf("stopped: %d ms then %d ms, %.2f s of lag per second%n", lag0, lag1, perSecond);
            assertTrue(perSecond >= 0.8, "lag grew " + perSecond + " s per second: " + lag0 + " then " + lag1);

            replica.execute("START SLAVE SQL_THREAD");
            replica.awaitReplicating(DEADLINE);
            await("the replica caught up", () -> Math.abs(lag(lag)) <= 1000);

            // No table: one event that says what to run, then a try every 10 s until it is back.
            source.execute("DROP TABLE blip.heartbeat");
            await("a warning", () -> !log.at("WARN").isEmpty());
            long dropped = System.nanoTime();
            assertEquals(List.of("monitor source: heartbeat: cannot write heartbeats to blip.heartbeat: Table"
                    + " 'blip.heartbeat' doesn't exist; create it on the source: CREATE DATABASE IF NOT EXISTS blip;"
                    + " CREATE TABLE IF NOT EXISTS blip.heartbeat (src_id varchar(200) NOT NULL PRIMARY KEY, src_role"
                    + " varchar(200) NULL DEFAULT NULL, ts timestamp(3) NOT NULL, freq smallint unsigned NOT NULL)"
                    + " ENGINE=InnoDB; trying again every 10 s"), log.at("WARN"));
            source.execute(HeartbeatWriter.TABLE_DDL.formatted("blip.heartbeat"));
            await("writing again", () -> log.all().getLast().endsWith("writing to blip.heartbeat again"));
            long retriedAfter = (System.nanoTime() - dropped) / 1_000_000;
            assertTrue(retriedAfter >= 9_000, "tried again after " + retriedAfter + " ms");
            assertEquals(1, log.at("WARN").size(), log.all().toString());
            await("heartbeats on the replica again", () -> Math.abs(lag(lag)) <= 1000);
        } finally {
            log.close();
            writer.stop(Duration.ofSeconds(5));
            clock.close();
            threads.shutdownNow();
        }
    }

    @Test
    void aReadOnlyServerIsNotWrittenAndCheckedAgainEvery20s() throws Exception {
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        AtomicInteger tries = new AtomicInteger();
        var writer = new HeartbeatWriter("replica", new HeartbeatConfig("1s", "", "", "blip.heartbeat"),
                HeartbeatWriterTest.counting(replica.dataSource(USER, "pw"), tries), time);
        try (LogEvents log = new LogEvents(HeartbeatWriter.class); writer) {
            writer.start();
            time.awaitWaiters(1, DEADLINE);
            String readOnly = "MySQL is read-only; not writing heartbeats to blip.heartbeat, checking again every 20 s";
            assertEquals(List.of("monitor replica: heartbeat: " + readOnly), log.at("INFO").subList(1, 2));
            assertEquals(readOnly, writer.status());
            time.advance(Duration.ofSeconds(19));
            assertEquals(1, tries.get());
            time.advance(Duration.ofSeconds(1));
            time.awaitWaiters(1, DEADLINE);
            assertEquals(2, tries.get());
            assertEquals(0, count(replica, "SELECT COUNT(*) FROM blip.heartbeat WHERE src_id = 'replica'"));

            // Promoted: it writes; read-only again: MySQL refuses the heartbeat (1290), it waits 20 s.
            replica.execute("SET GLOBAL read_only = 0");
            try {
                time.advance(Duration.ofSeconds(20));
                time.awaitWaiters(1, DEADLINE);
                assertEquals("writing", writer.status());
                assertEquals(1, count(replica, "SELECT COUNT(*) FROM blip.heartbeat WHERE src_id = 'replica'"));
            } finally {
                replica.execute("SET GLOBAL read_only = 1");
            }
            time.advance(Duration.ofSeconds(1));
            time.awaitWaiters(1, DEADLINE);
            assertEquals(4, tries.get());
            assertEquals(readOnly, writer.status());
            time.advance(Duration.ofSeconds(19));
            assertEquals(4, tries.get());
            assertEquals(List.of(), log.at("WARN"));
        } finally {
            replica.execute("DELETE FROM blip.heartbeat WHERE src_id = 'replica'");
        }
    }

    /** The monitor on the source, with a plan of nothing but the heartbeat every 500 ms. */
    private static Monitor sourceMonitor(LevelClock clock, ExecutorService threads, Time time) {
        MysqlConfig mysql = new MysqlConfig(source.hostPort(), "", "", USER, Secret.of("pw"), "",
                Duration.ofSeconds(5), "");
        MonitorConfig m = TestMonitors.monitor("source", "monitors[0]", mysql, TlsConfig.EMPTY);
        MonitorConfig config = new MonitorConfig(m.id(), m.origin(), m.mysql(), m.address(), m.tls(),
                new HeartbeatConfig("500ms", "", "", "blip.heartbeat"), m.plans(), m.plan(), m.sinks(), m.tags(),
                m.meta(), m.sections());
        MysqlConnector connector = TestMonitors.connector(config, reason -> Credentials.of(USER, Secret.of("pw")),
                Duration.ofSeconds(5), List.of(), time);
        MonitorPool pool = new MonitorPool(config.id(), connector, Duration.ofSeconds(5), time);
        Plan nothing = new Plan("nothing", "test", Map.of("l", new Level("l", Duration.ofSeconds(5), Map.of())));
        return new Monitor(config, nothing, Map.of(), CollectorContext.of(config, pool, time), pool, List.of(), clock,
                threads, time);
    }

    private static long lag(Collector lag) throws Exception {
        List<MetricValue> values = lag.collect("fast");
        return values.isEmpty() ? -1 : (long) values.getFirst().value();
    }

    private static long count(EmbeddedMariaDb db, String sql) {
        try (Connection c = db.admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Waits, in real time, until {@code condition} holds, checking every 50 ms; fails after {@link #DEADLINE}. */
    private static void await(String what, CheckedCondition condition) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        Exception last = null;
        while (System.nanoTime() - end < 0) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("no " + what + " after " + DEADLINE.toSeconds() + " s"
                + (last == null ? "" : "; last: " + last));
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean holds() throws Exception;
    }
}
