package io.blip.runtime.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestDomains;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * R2: MySQL restarts while a monitor collects each second (a private embedded MariaDB, killed as
 * {@code kill -9} does and started again on its port with its data, InnoDB recovering: the monitor's pooled
 * connection dies with it). At most one interval
 * fails, the one that came while MySQL was down; the monitor is not restarted and its error clears itself.
 */
class R2MysqlRestartTest {
    private static final String DOMAIN = "test.select";

    @Test
    void aRestartOfMysqlCostsAtMostOneIntervalAndNoMonitorRestart() throws Exception {
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(); Rig rig = new Rig()) {
            db.createUser(Rig.USER, Rig.PASSWORD);
            Monitor m = rig.monitor("r2", db.hostPort(), Rig.plan(Duration.ofSeconds(1), DOMAIN),
                    Map.of(DOMAIN, TestDomains.domain(DOMAIN, TestDomains::selectOne)));
            MonitorHealth h = rig.start(m);
            Instant started = h.started();
            for (int i = 0; i < 3; i++) {
                h = rig.tick(m);
            }
            assertEquals(Map.of(DOMAIN, 0L), h.errors());

            // Down across one tick, then back, then the first ticks after it.
            db.kill();
            List<String> intervals = new ArrayList<>();
            long errorsBefore = h.errors().get(DOMAIN);
            h = rig.tickThrough(m, Duration.ofSeconds(5)).health();
            intervals.add(failed(h, errorsBefore) ? "failed" : "ok");
            long restartBegan = System.nanoTime();
            db.restart();
            long restartMillis = (System.nanoTime() - restartBegan) / 1_000_000;
            for (int i = 0; i < 3; i++) {
                errorsBefore = h.errors().getOrDefault(DOMAIN, 0L);
                h = rig.tickThrough(m, Duration.ofSeconds(5)).health();
                intervals.add(failed(h, errorsBefore) ? "failed" : "ok");
            }
            long failedIntervals = intervals.stream().filter("failed"::equals).count();
            assertTrue(failedIntervals <= 1, "intervals from the stop on: " + intervals);
            assertEquals(List.of("ok", "ok", "ok"), intervals.subList(1, 4), "every tick after MySQL is back collects");
            assertTrue(h.up(), "the monitor's error cleared itself");
            assertEquals(started, h.started(), "the same monitor, never restarted");
            assertSame(Monitor.State.RUNNING, m.state());

            Reliability.figure("R2", R2MysqlRestartTest.class, String.format(
                    "a private MariaDB killed (SIGKILL) across one tick of a 1 s level and started again (%d ms, wall clock):"
                            + " intervals from the stop on %s, so %d failed; the monitor was not restarted (started %s"
                            + " throughout) and is up again with no error in its latest collection",
                    restartMillis, intervals, failedIntervals, started));
        }
    }

    /** Whether the interval of this health failed: MySQL unreachable, or the domain's error count grew. */
    private static boolean failed(MonitorHealth h, long errorsBefore) {
        return !h.up() || h.errors().getOrDefault(DOMAIN, 0L) > errorsBefore;
    }
}
