package io.blip.sink.otlp;

import io.blip.api.MetricValue;
import io.blip.api.config.Options;
import io.blip.api.time.Time;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.runtime.monitor.LevelClock;
import io.blip.testkit.Reliability;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * R16: a collector that accepts the connection and never answers. The monitors' clock (the
 * runtime's {@link LevelClock}, on the system's time as in Blip) ticks each second and each tick
 * puts a collection of 50 points into the sink's lane, on the clock's own thread, the harshest
 * place: were delivery to block a caller, the next ticks would show it. The otlp sink's default
 * {@code send-timeout} (5 s) ends the request; the status then says why; the lane (a buffer of 3
 * here, to fill it within the test) holds no more than its buffer and counts what it dropped.
 */
class R16OtlpBlackHoleTest {
    private static final int TICKS = 8;
    private static final int BUFFER = 3;
    private static final long JITTER_MS = 50;

    @Test
    void aBlackHoledCollectorLeavesTheTicksOnTimeAndEachRequestEndsBy5s() throws Exception {
        Time time = Time.system();
        List<long[]> ticks = new CopyOnWriteArrayList<>(); // {epoch second, wall ms at the tick, ns offer took}
        var ticked = new CountDownLatch(TICKS);
        try (var hole = new BlackHole(); var lanes = new Lanes(); var clock = new LevelClock(time)) {
            Options options = TestData.options(pairs("endpoint",
                    hole.endpoint(), "health", "false", "buffer-size", String.valueOf(BUFFER)));
            SinkQueue.Lane<?> lane = lanes.lane(TestData.monitor("db1", "db1", 3306, Map.of()), options);
            int[] mostQueued = {0};
            clock.register(second -> {
                if (ticked.getCount() == 0) {
                    return;
                }
                long wall = time.now().toEpochMilli();
                long before = time.nanoTime();
                lane.offer(collection(ticks.size() + 1));
                long took = time.nanoTime() - before;
                mostQueued[0] = Math.max(mostQueued[0], (int) lane.counts().queued());
                ticks.add(new long[] {second, wall, took});
                ticked.countDown();
            });
            assertTrue(ticked.await(TICKS + 5, TimeUnit.SECONDS), "ticks: " + ticks.size());
            List<BlackHole.Connection> given = hole.awaitClosed(1, 10);
            String status = lane.status();
            var counts = lane.counts();

            long request = given.getFirst().closed() - given.getFirst().accepted();
            assertTrue(request <= Duration.ofSeconds(5).plusMillis(500).toNanos(), "the request was given up after "
                    + request / 1_000_000 + " ms");
            assertTrue(status.startsWith("last send failed: HttpTimeoutException"), status);
            assertTrue(mostQueued[0] <= BUFFER, "queued " + mostQueued[0]);
            assertEquals(0, counts.sent());
            assertTrue(counts.dropped() > 0, "the oldest dropped past the buffer: " + status);

            // The first tick is the one registering asks for, at once, whenever in the second that is.
            List<Long> late = new ArrayList<>(); // ms after its whole second, each tick after the first
            long offerMost = 0;
            for (long[] t : ticks.subList(1, ticks.size())) {
                late.add(t[1] - t[0] * 1000);
                offerMost = Math.max(offerMost, t[2]);
            }
            long jitter = late.stream().mapToLong(l -> l).max().orElseThrow();
            assertTrue(jitter <= JITTER_MS, "ticks late by (ms) " + late);
            // How long an offer took is told, not bounded: in Blip it runs on the monitor's thread, not the
            // clock's, and in a test JVM shared with others a GC pause may fall into one.
            Reliability.figure("R16", R16OtlpBlackHoleTest.class, "OTLP/HTTP collector that accepts and never"
                    + " answers, default `send-timeout` 5 s: " + TICKS + " ticks of the level clock (system time) each"
                    + " offering 50 points, on the clock's thread: ticks late by " + late + " ms after their whole second"
                    + " (at most " + jitter + " ms; the first, on registering, not counted); an offer took at most " + offerMost / 1_000 + " µs (the"
                    + " first, loading classes, " + ticks.getFirst()[2] / 1_000_000 + " ms)."
                    + " The request was given up " + request / 1_000_000 + " ms after its connection came; status `"
                    + status + "`; the lane held at most " + mostQueued[0] + " collections (buffer " + BUFFER + ")");
        }
    }

    private static io.blip.api.Metrics collection(long n) {
        List<MetricValue> values = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            values.add(MetricValue.gauge("v" + i, n));
        }
        return at("db1", n, n, "status.global", values);
    }
}
