package io.blip.runtime.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.MonitorHealth;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestDomains;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * R29: the process stops for 10 s (SIGSTOP, a long GC pause): the level clock wakes 10 s late, all at once
 * in virtual time. It skips the seconds it missed instead of collecting each of them in a burst, and
 * collects next on the next whole second.
 */
class R29ProcessPauseTest {
    private static final String DOMAIN = "test.select";

    @Test
    void aPauseSkipsTheMissedTicksAndCollectsOnTheNextAlignedOne() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(Rig.USER, Rig.PASSWORD);
        List<Instant> collected = new CopyOnWriteArrayList<>();
        try (Rig rig = new Rig()) {
            Monitor m = rig.monitor("r29", db.hostPort(), Rig.plan(Duration.ofSeconds(1), DOMAIN),
                    Map.of(DOMAIN, TestDomains.domain(DOMAIN, c -> {
                        collected.add(rig.time.now());
                        return TestDomains.selectOne(c);
                    })));
            rig.start(m);
            for (int i = 0; i < 3; i++) {
                rig.tick(m);
            }
            long before = rig.tick(m).levels().get("l").collections();
            collected.clear();

            rig.time.awaitWaiters(1, Rig.WAIT);
            Duration pause = Duration.ofMillis(10_300);
            MonitorHealth afterPause = rig.advance(m, pause, pause); // stopped 10.3 s, woken at once
            long inPause = afterPause.levels().get("l").collections() - before;
            MonitorHealth next = rig.advance(m, rig.toNextSecond(), rig.toNextSecond());
            long total = next.levels().get("l").collections() - before;

            assertEquals(1, inPause, "one collection on waking, not one per missed second");
            assertEquals(2, total, "then the next second's");
            Instant woke = Rig.START.plusSeconds(4).plus(pause);
            assertEquals(List.of(woke, woke.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1)), collected,
                    "collected once on waking, then at the next whole second");
            assertEquals(0, next.skipped(), "nothing was queued behind a running collection");

            Reliability.figure("R29", R29ProcessPauseTest.class, String.format(
                    "a 10.3 s pause of a 1 s level (virtual time): %d collection on waking instead of 10, then the"
                            + " next on the next whole second (collected at %s); 0 ticks queued",
                    inPause, collected.stream().map(t -> Duration.between(Rig.START, t).toMillis() + " ms").toList()));
        }
    }
}
