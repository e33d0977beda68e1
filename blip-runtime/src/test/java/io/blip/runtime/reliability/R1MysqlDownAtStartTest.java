package io.blip.runtime.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.LogEvents;
import io.blip.testkit.Reliability;
import io.blip.testkit.TcpProxy;
import io.blip.testkit.TestDomains;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * R1: MySQL refuses connections when the monitor starts (the proxy in front of it refuses new ones), for
 * 60 s of virtual time, then takes them. The monitor starts anyway, with the cause in its status, backs off
 * in Blip's steps (0.5 s growing 1.5 times, ±50 % jitter) capped at 15 s, with at most one log line per
 * attempt, and collects at most cap + 1 interval after MySQL is reachable (the worst case: MySQL back just
 * after an attempt). The test's clock moves a whole second at a time, so a gap is counted in whole seconds.
 */
class R1MysqlDownAtStartTest {
    private static final String DOMAIN = "test.select";
    private static final Duration CAP = Duration.ofSeconds(15);
    private static final int DOWN_SECONDS = 60;

    @Test
    void theMonitorStartsBacksOffCappedAndCollectsWithinTheCapPlusOneIntervalOfMysqlComingUp() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(Rig.USER, Rig.PASSWORD);
        try (Rig rig = new Rig(); TcpProxy proxy = TcpProxy.in(db); LogEvents log = new LogEvents("io.blip.runtime")) {
            proxy.refuseNew();
            Monitor m = rig.monitor("r1", proxy.hostPort(), Rig.plan(Duration.ofSeconds(1), DOMAIN),
                    Map.of(DOMAIN, TestDomains.domain(DOMAIN, TestDomains::selectOne)));
            List<Instant> attempts = new CopyOnWriteArrayList<>();
            MonitorHealth first = rig.start(m);
            assertFalse(first.up(), "started, MySQL down");
            attempts.add(first.time());
            int linesAfterFirst = log.all().size();
            for (int s = 1; s <= DOWN_SECONDS; s++) {
                CompletableFuture<MonitorHealth> next = m.nextHealth().toCompletableFuture();
                rig.time.awaitWaiters(2, Rig.WAIT); // the level clock, and the monitor backing off
                rig.time.advance(Duration.ofSeconds(1));
                rig.time.awaitWaiters(2, Rig.WAIT);
                if (next.isDone()) {
                    assertFalse(next.get().up());
                    attempts.add(next.get().time());
                }
            }
            int lines = log.all().size();
            assertEquals(Monitor.State.CONNECTING, m.state());
            String status = m.lastError();
            assertTrue(status.contains("Connection refused"), "the status names the cause: " + status);
            assertFalse(status.contains("\n"), "one line: " + status);
            assertFalse(status.contains(Rig.PASSWORD), status);

            proxy.pass(); // MySQL reachable at 60 s
            Instant up = rig.time.now();
            CompletableFuture<MonitorHealth> next = m.nextHealth().toCompletableFuture();
            MonitorHealth collected = null;
            for (int s = 1; s <= 30 && collected == null; s++) {
                rig.time.awaitWaiters(1, Rig.WAIT);
                rig.time.advance(Duration.ofSeconds(1));
                try {
                    MonitorHealth h = next.get(200, TimeUnit.MILLISECONDS);
                    if (h.up() && h.levels().get("l").collections() > 0) {
                        collected = h;
                    } else {
                        next = m.nextHealth().toCompletableFuture();
                    }
                } catch (TimeoutException notYet) {
                    // the monitor still backs off
                }
            }
            assertTrue(collected != null, "no metrics 30 s after MySQL came up; attempts " + attempts);
            Duration toFirstMetrics = Duration.between(up, collected.time());
            List<Long> gaps = new java.util.ArrayList<>();
            for (int i = 1; i < attempts.size(); i++) {
                gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toSeconds());
            }
            assertTrue(gaps.get(0) <= 1, "the first retry within a second: " + gaps);
            assertTrue(gaps.stream().allMatch(g -> g <= CAP.toSeconds()), "every step within the cap: " + gaps);
            assertTrue(gaps.stream().anyMatch(g -> g >= 5), "the steps grew: " + gaps);
            assertTrue(toFirstMetrics.compareTo(CAP.plusSeconds(1)) <= 0, "first metrics " + toFirstMetrics
                    + " after MySQL came up");
            int linesWhileDown = lines - linesAfterFirst;
            assertTrue(linesWhileDown <= gaps.size(), "log lines while down: " + log.all());

            Reliability.figure("R1", R1MysqlDownAtStartTest.class, String.format(
                    "MySQL refusing connections for the first %d s (virtual): the monitor started (status error: \"%s\"),"
                            + " attempts at %s s"
                            + " (gaps %s s in whole seconds: 0.5 s growing 1.5 times, ±50 %% jitter, cap %d s), %d log lines"
                            + " for %d retries; reachable at %1$d s, first metrics %d s later (≤ cap + 1 interval = %d s)",
                    DOWN_SECONDS, status, attempts.stream().map(a -> Long.toString(Duration.between(Rig.START, a).toSeconds())).toList(),
                    gaps, CAP.toSeconds(), linesWhileDown, gaps.size(), toFirstMetrics.toSeconds(),
                    CAP.toSeconds() + 1));
        }
    }
}
