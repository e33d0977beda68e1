package io.blip.runtime.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.LogEvents;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestDomains;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * R21: a plugin's collector throws at run time (a bug: a NullPointerException) in every collection. The
 * failure stays in its domain: the other domain of the level delivers every interval, the monitor stays
 * up, each failure is a {@code collector-panic} event, and the faulty domain is tried again the next
 * interval (1 s later), not dropped for good nor retried in a loop.
 */
class R21PluginFailureTest {
    private static final String FAULTY = "test.faulty";
    private static final String FINE = "test.fine";

    @Test
    void aCollectorThatThrowsIsIsolatedToItsDomain() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(Rig.USER, Rig.PASSWORD);
        AtomicInteger faultyCalls = new AtomicInteger();
        List<Double> fine = new CopyOnWriteArrayList<>();
        try (Rig rig = new Rig(); LogEvents log = new LogEvents("io.blip.runtime.monitor")) {
            Monitor m = rig.monitor("r21", db.hostPort(), Rig.plan(Duration.ofSeconds(1), FAULTY, FINE), Map.of(
                    FAULTY, TestDomains.domain(FAULTY, c -> {
                        faultyCalls.incrementAndGet();
                        throw new NullPointerException("a plugin's bug");
                    }),
                    FINE, TestDomains.domain(FINE, c -> {
                        double v = TestDomains.selectOne(c);
                        fine.add(v);
                        return v;
                    })));
            rig.start(m);
            int intervals = 5;
            MonitorHealth h = null;
            for (int i = 0; i < intervals; i++) {
                h = rig.tick(m);
            }
            int collections = intervals + 1;
            List<String> panics = log.all().stream().filter(l -> l.contains("collector-panic") && l.contains(FAULTY))
                    .toList();
            assertEquals(collections, fine.size(), "the other domain delivered every collection");
            assertEquals(0L, h.errors().get(FINE));
            assertEquals(collections, faultyCalls.get(), "the faulty domain tried once per interval");
            assertEquals((long) collections, h.errors().get(FAULTY));
            assertEquals(collections, panics.size(), "one collector-panic event per failure: " + log.all());
            assertTrue(h.up());
            assertEquals(Monitor.State.RUNNING, m.state());

            Reliability.figure("R21", R21PluginFailureTest.class, String.format(
                    "a collector throwing NullPointerException (a bug, Go's panic) in each of %d collections of a"
                            + " 1 s level: the other domain delivered %d of %d; the faulty one tried %d times (once per"
                            + " interval), %d"
                            + " collector-panic events; the monitor stayed up and running. Layer failures at boot are"
                            + " PluginsTest's and PluginLayerDependencyTest's", collections, fine.size(), collections,
                    faultyCalls.get(), panics.size()));
        }
    }
}
