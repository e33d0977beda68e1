package io.blip.sink.otlp;

import io.blip.api.MetricValue;
import io.blip.api.MonitorHealth;
import io.blip.api.config.Options;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.testkit.Reliability;
import io.blip.testkit.VirtualTime;
import io.blip.testkit.otlp.OtlpReceiver;
import io.blip.testkit.otlp.OtlpReceiver.Answer;
import io.blip.testkit.otlp.OtlpReceiver.Received;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;

import static io.blip.sink.otlp.Lanes.WAIT;
import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * R13: the collector is down (503, no {@code Retry-After}) for 1, 5 and 15 minutes, then back, in
 * virtual time: two monitors collect every 5 s (50 points each, one of them the collection's number)
 * through one otlp sink with its default delivery (buffer of 60 collections per monitor, retries 1 s
 * doubling to 30 s with full jitter, batches of 2,000 points). While the backlog fits the buffer
 * (1 and 5 minutes: 12 and 60 collections) every collection arrives once and in order; past it
 * (15 minutes: 180) the oldest are dropped, exactly as many as the lane counts, in one run. The
 * backlog drains within a minute of recovery; the attempts during the outage are spread by the
 * backoff (no hammering); the lane never holds more than its buffer.
 *
 * <p>The test moves the delivery's clock 100 ms at a time, each time once the delivery has settled:
 * it waits on that clock again (backing off or for the batch delay), or has sent everything.
 */
class R13OtlpOutageTest {
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration STEP = Duration.ofMillis(100);
    private static final int POINTS = 50;
    private static final int BUFFER = 60;
    private static final String SEQ = "mysql.status.global.seq";
    private static final List<String> MONITORS = List.of("db1", "db2");
    /** Each outage's figure, for the row's one line. */
    private static final Map<Integer, String> figures = new ConcurrentSkipListMap<>();

    @ParameterizedTest(name = "{0} min")
    @ValueSource(ints = {1, 5, 15})
    void anOutageLosesNothingWhileTheBacklogFitsAndDrainsWithinAMinute(int minutes) throws Exception {
        var time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        List<Long> attempts = new CopyOnWriteArrayList<>(); // the delivery's time at each request
        try (var receiver = OtlpReceiver.http().retryAfter("0").answer(Answer.UNAVAILABLE);
             var lanes = new Lanes(Map.of(), time)) {
            receiver.onReceive(() -> attempts.add(time.nanoTime()));
            Options options = TestData.options(pairs("endpoint",
                    receiver.endpoint(), "health", "false"));
            List<SinkQueue.Lane<?>> monitors = new ArrayList<>();
            for (String id : MONITORS) {
                monitors.add(lanes.lane(TestData.monitor(id, id, 3306, Map.of()), options));
            }
            long start = time.nanoTime();
            long outageEnd = start + Duration.ofMinutes(minutes).toNanos();
            long made = 0;
            int mostQueued = 0;
            long recovered = -1;
            long drained = -1;
            long madeInOutage = 0;
            int attemptsInOutage = 0;
            long madeAtResume = -1;
            for (long t = start; drained < 0; t += STEP.toNanos()) {
                if (recovered < 0 && t - outageEnd >= 0) {
                    receiver.answer(Answer.OK);
                    recovered = t;
                    madeInOutage = made;
                    attemptsInOutage = attempts.size();
                }
                settle(time, monitors, made); // what the last step's move of the clock woke
                if (madeAtResume < 0 && receiver.received().stream().anyMatch(r -> r.answer() == Answer.OK)) {
                    madeAtResume = made;
                }
                if ((t - start) % INTERVAL.toNanos() == 0) {
                    made++;
                    for (int i = 0; i < MONITORS.size(); i++) {
                        offer(monitors.get(i), MONITORS.get(i), made);
                    }
                    settle(time, monitors, made);
                }
                for (var lane : monitors) {
                    mostQueued = Math.max(mostQueued, (int) lane.counts().queued());
                }
                long backlog = madeInOutage;
                if (recovered >= 0 && MONITORS.stream().allMatch(m -> last(receiver, m) >= backlog)) {
                    drained = time.nanoTime();
                }
                assertTrue(t - start < Duration.ofMinutes(minutes + 2).toNanos(), "not drained 2 minutes after");
                time.advance(STEP);
            }
            lanes.close();

            long drainMs = (drained - recovered) / 1_000_000;
            assertTrue(drainMs <= 60_000, "drained " + drainMs + " ms after recovery");
            assertTrue(mostQueued <= BUFFER, "queued at most the buffer: " + mostQueued);
            List<Long> gaps = gaps(attempts.subList(0, attemptsInOutage));
            long outageSeconds = minutes * 60L;
            assertTrue(attemptsInOutage <= outageSeconds / 5 + 10, attemptsInOutage + " attempts in "
                    + outageSeconds + " s: hammering");
            long longest = gaps.stream().mapToLong(g -> g).max().orElseThrow();
            assertTrue(longest <= Duration.ofSeconds(30).plus(STEP).toNanos(), "a wait over retry-max: " + longest);

            long lost = 0;
            for (int i = 0; i < MONITORS.size(); i++) {
                String id = MONITORS.get(i);
                MonitorHealth.Sink counts = monitors.get(i).counts();
                List<Long> got = delivered(receiver.received(), id);
                assertEquals(got.stream().distinct().toList(), got, id + ": none twice");
                assertEquals(got.stream().sorted().toList(), got, id + ": in order");
                List<Long> missing = LongStream.rangeClosed(1, made).boxed().filter(n -> !got.contains(n)).toList();
                assertEquals(counts.dropped(), missing.size(), id + ": every loss counted: " + counts);
                assertEquals(made, counts.sent() + counts.dropped(), id + ": " + counts);
                // Collection 1 is the send being retried; the lane keeps the newest 60 of those made until
                // delivery resumed (the outage and the backoff that notices its end): the rest go, oldest first.
                List<Long> oldest = LongStream.rangeClosed(2, madeAtResume - BUFFER).boxed().toList();
                assertEquals(oldest, missing, id + ": lost exactly the oldest past the buffer; made until delivery"
                        + " resumed: " + madeAtResume);
                lost += missing.size();
            }
            List<Long> sorted = gaps.stream().sorted().toList();
            figures.put(minutes, minutes + " min down (" + madeInOutage + " collections per monitor made in the"
                    + " outage, " + madeAtResume + " until delivery resumed; buffer " + BUFFER + " + 1 in flight): " + lost / MONITORS.size() + " lost per monitor, each counted"
                    + " as dropped (sent + dropped = made, none twice, in order); " + attemptsInOutage
                    + " attempts (waits " + ms(sorted.getFirst()) + " to " + ms(sorted.getLast()) + " ms, median "
                    + ms(sorted.get(sorted.size() / 2)) + "); drained " + drainMs + " ms after recovery; queued at"
                    + " most " + mostQueued + " collections per monitor");
            Reliability.figure("R13", R13OtlpOutageTest.class, "OTLP/HTTP 503 for N minutes, 2 monitors every 5 s,"
                    + " 50 points each, default delivery, virtual time. " + String.join("; ", figures.values()));
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** Collection {@code n} of a monitor: 50 gauges, {@code seq} its number. */
    private static void offer(SinkQueue.Lane<?> lane, String monitorId, long n) {
        List<MetricValue> values = new ArrayList<>();
        values.add(MetricValue.gauge("seq", n));
        for (int i = 1; i < POINTS; i++) {
            values.add(MetricValue.gauge("v" + i, i));
        }
        lane.offer(at(monitorId, n, n * INTERVAL.toSeconds(), "status.global", values));
    }

    /**
     * Waits (in real time) until the delivery waits on its clock again or has accounted for every
     * collection made: nothing happens then until the clock moves or a collection comes. Nothing
     * signals the second, hence the short parks.
     */
    private static void settle(VirtualTime time, List<SinkQueue.Lane<?>> lanes, long made) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (time.waiters() == 0 && !lanes.stream().allMatch(l -> accounted(l.counts()) == made)) {
            assertTrue(System.nanoTime() - deadline < 0, "the delivery did not settle");
            LockSupport.parkNanos(100_000);
        }
    }

    private static long accounted(MonitorHealth.Sink c) {
        return c.sent() + c.dropped() + c.rejected() + c.failed();
    }

    /** The highest collection number of the monitor answered OK; 0 for none. */
    private static long last(OtlpReceiver receiver, String monitorId) {
        return delivered(receiver.received(), monitorId).stream().mapToLong(n -> n).max().orElse(0);
    }

    /** The collection numbers of one monitor in the requests answered OK, in arrival order. */
    private static List<Long> delivered(List<Received> received, String monitorId) {
        return received.stream().filter(r -> r.answer() == Answer.OK)
                .flatMap(r -> r.request().getResourceMetricsList().stream())
                .filter(rm -> monitorId.equals(monitor(rm)))
                .flatMap(rm -> rm.getScopeMetricsList().stream()).flatMap(s -> s.getMetricsList().stream())
                .filter(m -> m.getName().equals(SEQ)).flatMap(m -> m.getGauge().getDataPointsList().stream())
                .map(p -> (long) p.getAsDouble()).toList();
    }

    private static String monitor(ResourceMetrics rm) {
        return rm.getResource().getAttributesList().stream().filter(kv -> kv.getKey().equals("blip.monitor.id"))
                .map(KeyValue::getValue).map(v -> v.getStringValue()).findFirst().orElse("");
    }

    private static List<Long> gaps(List<Long> times) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        return gaps;
    }
}
