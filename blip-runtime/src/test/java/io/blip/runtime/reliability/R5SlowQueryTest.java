package io.blip.runtime.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestDomains;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * R5: one domain of a level runs {@code SELECT SLEEP(30)} on the real server; the other domains of the level
 * still deliver each interval, and the slow one is cut off at its time limit (800 ms of a 1 s level, virtual
 * time) with an error, its result never delivered.
 */
class R5SlowQueryTest {
    private static final String SLOW = "test.slow";
    private static final String FAST = "test.fast";

    @Test
    void theOtherDomainsOfTheLevelDeliverAndTheSlowOneIsCutAtItsLimit() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(Rig.USER, Rig.PASSWORD);
        AtomicInteger slowReturned = new AtomicInteger();
        List<Double> fastValues = new CopyOnWriteArrayList<>();
        try (Rig rig = new Rig()) {
            Monitor m = rig.monitor("r5", db.hostPort(), Rig.plan(Duration.ofSeconds(1), SLOW, FAST), Map.of(
                    SLOW, TestDomains.domain(SLOW, c -> {
                        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT SLEEP(30)")) {
                            rs.next();
                            slowReturned.incrementAndGet();
                            return rs.getDouble(1);
                        }
                    }),
                    FAST, TestDomains.domain(FAST, c -> {
                        double v = TestDomains.selectOne(c);
                        fastValues.add(v);
                        return v;
                    })));
            rig.start(m).errors(); // its first collection, on connecting, at once
            int intervals = 3;
            fastValues.clear();
            Duration longest = Duration.ZERO;
            MonitorHealth h = null;
            for (int i = 0; i < intervals; i++) {
                Rig.Stepped stepped = rig.tickThrough(m, Duration.ofSeconds(5));
                h = stepped.health();
                longest = stepped.virtual().compareTo(longest) > 0 ? stepped.virtual() : longest;
            }
            assertEquals(intervals, fastValues.size(), "the fast domain collected every interval: " + fastValues);
            assertEquals(0L, h.errors().get(FAST));
            assertEquals(intervals + 1L, h.errors().get(SLOW), "the slow one failed each time, cut off");
            assertTrue(longest.compareTo(Duration.ofMillis(800)) <= 0, "each collection ended by 800 ms: " + longest);
            assertEquals(0, slowReturned.get(), "no result of the slow query was delivered");
            assertEquals(0, h.skipped());

            Reliability.figure("R5", R5SlowQueryTest.class, String.format(
                    "SELECT SLEEP(30) in one domain of a 1 s level beside a fast one, %d intervals: the fast domain"
                            + " delivered %d of %d with 0 errors; the slow one was cut off every time, its collection"
                            + " over after at most %d ms (virtual; limit 800 ms), 0 late results delivered, 0 ticks"
                            + " skipped", intervals, fastValues.size(), intervals, longest.toMillis()));
        }
    }
}
