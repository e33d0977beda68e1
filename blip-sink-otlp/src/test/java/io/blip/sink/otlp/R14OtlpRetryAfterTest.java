package io.blip.sink.otlp;

import io.blip.api.MetricValue;
import io.blip.api.config.Options;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.testkit.Reliability;
import io.blip.testkit.VirtualTime;
import io.blip.testkit.otlp.OtlpReceiver;
import io.blip.testkit.otlp.OtlpReceiver.Answer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.blip.sink.otlp.Lanes.WAIT;
import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * R14: a collector that answers 429 or 503 with {@code Retry-After: 7} gets its next request no
 * sooner than 7 s later, where the backoff alone (the otlp sink's {@code send-retry-wait} of 1 s,
 * then 2 s) would come back sooner. In virtual time: the test moves the delivery's clock to 1 ms
 * before the 7 s and sees no request, then to the 7 s and sees one.
 */
class R14OtlpRetryAfterTest {
    private static final Duration ASKED = Duration.ofSeconds(7);

    @Test
    void aRetryWaitsTheSevenSecondsTheCollectorAsks() throws Exception {
        var time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        List<Long> arrivals = new CopyOnWriteArrayList<>(); // the delivery's time at each request
        try (var receiver = OtlpReceiver.http().retryAfter("7").answer(Answer.TOO_MANY_REQUESTS);
             var lanes = new Lanes(Map.of(), time)) {
            receiver.onReceive(() -> arrivals.add(time.nanoTime()));
            Options options = TestData.options(pairs("endpoint",
                    receiver.endpoint(), "batch-delay", "0s"));
            SinkQueue.Lane<?> lane = lanes.lane(TestData.monitor("db1", "db1", 3306, Map.of()), options);
            lane.offer(at("db1", 1, 1, "status.global", List.of(MetricValue.gauge("threads_running", 1))));

            receiver.await(1, WAIT);
            receiver.answer(Answer.UNAVAILABLE);
            nextAttemptAfterSevenSeconds(time, receiver, arrivals, 2);
            receiver.answer(Answer.OK);
            nextAttemptAfterSevenSeconds(time, receiver, arrivals, 3);
            lanes.close(); // the last answer is in: so is its arrival
            long afterTooMany = arrivals.get(1) - arrivals.get(0);
            long afterUnavailable = arrivals.get(2) - arrivals.get(1);
            assertTrue(afterTooMany >= ASKED.toNanos(), "after the 429: " + afterTooMany + " ns");
            assertTrue(afterUnavailable >= ASKED.toNanos(), "after the 503: " + afterUnavailable + " ns");

            assertEquals(List.of(Answer.TOO_MANY_REQUESTS, Answer.UNAVAILABLE, Answer.OK),
                    receiver.received().stream().map(OtlpReceiver.Received::answer).toList());
            assertEquals(1, lane.counts().sent());
            assertEquals(2, lane.counts().retries());
            Reliability.figure("R14", R14OtlpRetryAfterTest.class, "OTLP/HTTP `429` then `503`, each with"
                    + " `Retry-After: 7` (virtual time; the backoff alone would wait at most 1 s, then 2 s): the next"
                    + " attempt came " + afterTooMany / 1_000_000 + " ms after the 429 and " + afterUnavailable / 1_000_000
                    + " ms after the 503, none in the 6,999 ms before; the collection was then sent (1 sent, 2 retries)."
                    + " gRPC has no `Retry-After` header (RetryInfo is not read): its backoff alone sets the wait");
        }
    }

    /**
     * Moves the clock to 1 ms short of {@link #ASKED} after the last request and checks none came,
     * then on to it and waits for request number {@code next}.
     */
    private static void nextAttemptAfterSevenSeconds(VirtualTime time, OtlpReceiver receiver, List<Long> arrivals, int next)
            throws InterruptedException {
        time.awaitWaiters(1, WAIT); // the delivery backs off: the last request was answered and noted
        time.advance(ASKED.minusMillis(1).minusNanos(time.nanoTime() - arrivals.getLast()));
        assertEquals(1, time.waiters(), "still backing off 1 ms before the 7 s");
        assertEquals(next - 1, receiver.received().size(), "no attempt before the 7 s");
        time.advance(Duration.ofMillis(1));
        receiver.await(next, WAIT);
    }
}
