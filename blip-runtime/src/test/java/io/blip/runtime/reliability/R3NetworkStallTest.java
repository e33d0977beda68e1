package io.blip.runtime.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TcpProxy;
import io.blip.testkit.TestDomains;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * R3: the link to MySQL stalls (the proxy holds every byte) while a monitor collects each second. Each
 * collection ends at its time limit (800 ms of a 1 s level) with an error, in virtual time; ten stalls
 * later no thread is left behind and no tick was queued; when the link flows again the next tick collects.
 */
class R3NetworkStallTest {
    private static final String DOMAIN = "test.select";

    @Test
    void eachCollectionOnAStalledLinkEndsAtItsLimitAndLeavesNoThreadBehind() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(Rig.USER, Rig.PASSWORD);
        try (Rig rig = new Rig(); TcpProxy proxy = TcpProxy.in(db)) {
            Monitor m = rig.monitor("r3", proxy.hostPort(), Rig.plan(Duration.ofSeconds(1), DOMAIN),
                    Map.of(DOMAIN, TestDomains.domain(DOMAIN, TestDomains::selectOne)));
            MonitorHealth h = rig.start(m);
            assertTrue(h.up(), "connected through the proxy");
            assertEquals(Map.of(DOMAIN, 0L), h.errors());
            h = rig.tick(m);
            int platformBefore = platformThreads();
            long collectionsBefore = h.levels().get("l").collections();

            proxy.freeze();
            List<Duration> durations = new ArrayList<>();
            int stalls = 10;
            for (int i = 1; i <= stalls; i++) {
                Rig.Stepped stepped = rig.tickThrough(m, Duration.ofSeconds(5));
                h = stepped.health();
                durations.add(stepped.virtual());
                assertEquals(i, h.errors().get(DOMAIN), "stall " + i + " is an error of the domain");
            }
            Duration longest = durations.stream().max(Duration::compareTo).orElseThrow();
            assertTrue(longest.compareTo(Duration.ofMillis(800)) <= 0 && !longest.isZero(),
                    "each ends at its 800 ms limit: " + durations);
            assertEquals(collectionsBefore + stalls, h.levels().get("l").collections(), "one collection per tick");
            assertEquals(0, h.skipped(), "no tick found a collection still running, none queued");

            proxy.pass();
            h = rig.tick(m);
            assertEquals(stalls, h.errors().get(DOMAIN), "the link flows again: the next tick collects");
            int liveAfter = rig.liveThreads.get();
            int platformAfter = platformThreads();
            assertTrue(liveAfter <= 1, "query threads alive after 10 stalls: " + liveAfter);
            assertTrue(platformAfter <= platformBefore + 1,
                    "platform threads " + platformBefore + " before, " + platformAfter + " after 10 stalls");
            int open = rig.pools.get(0).open();
            assertTrue(open <= 3, "pool connections after 10 stalls: " + open);

            Reliability.figure("R3", R3NetworkStallTest.class, String.format(
                    "10 stalls of a 1 s level through a frozen proxy: each collection ended with an error after at most"
                            + " %d ms (virtual; limit 800 ms); %d skipped ticks, %d collections for %d ticks; query"
                            + " threads alive after: %d, platform threads (carriers of virtual threads aside) %d before and %d after; pool connections"
                            + " after: %d; the first tick after the link flowed again collected",
                    longest.toMillis(), h.skipped(), stalls, stalls, liveAfter, platformBefore, platformAfter, open));
        }
    }

    /**
     * The process's platform threads but the virtual threads' carriers, which the JDK's scheduler adds and
     * retires as it sees fit (at most the cores, more for a while when a virtual thread is pinned).
     */
    private static int platformThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.getName().startsWith("ForkJoinPool-")).count();
    }
}
