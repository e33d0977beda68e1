package io.blip.sink.datadog;

import io.blip.api.MetricValue;
import io.blip.api.MonitorHealth;
import io.blip.api.time.Time;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.runtime.delivery.Sinks;
import io.blip.sink.datadog.FakeDatadog.Answer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.blip.sink.datadog.TestData.API_KEY;
import static io.blip.sink.datadog.TestData.APP_KEY;
import static io.blip.sink.datadog.TestData.at;
import static io.blip.sink.datadog.TestData.monitor;
import static io.blip.sink.datadog.TestData.options;
import static io.blip.sink.datadog.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The datadog sink under the runtime's delivery, as Blip runs it: a monitor's lane into the sink's
 * queue. Datadog's 429 and 5xx are retried by the runtime's backoff (the sink has no loop of its own)
 * and nothing is lost or sent twice; a 400 is dropped at once and counted as rejected.
 */
class DatadogDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static SinkQueue.Lane<?> lane(Sinks sinks, FakeDatadog dd) throws Exception {
        var options = options(pairs("api-url", dd.url(), "api-key-auth", API_KEY, "app-key-auth", APP_KEY,
                "batch-size", "1", "batch-delay", "0s", "send-retry-wait", "5ms", "retry-max", "40ms"));
        return sinks.lane("datadog", new DatadogSinkFactory(), options, monitor("db1", Map.of()));
    }

    private static void offer(SinkQueue.Lane<?> lane, long n) {
        lane.offer(at("db1", n, n, "status.global", List.of(MetricValue.gauge("threads_running", n))));
    }

    @Test
    void anOutageIsRetriedByTheRuntimeAndEveryCollectionArrivesOnceInOrder() throws Exception {
        try (FakeDatadog dd = FakeDatadog.start(API_KEY, APP_KEY)) {
            dd.script(Answer.of(429), Answer.of(503), Answer.of(502));
            var lane = lane(new Sinks(Map.of(), Map::of, Time.system()), dd);
            for (long n = 1; n <= 3; n++) {
                offer(lane, n);
            }
            dd.await("3 series delivered", got -> got.stream().filter(FakeDatadog.Received::ok).count() >= 3, WAIT);
            lane.close(WAIT);
            assertEquals(List.of(1.0, 2.0, 3.0), dd.delivered().stream().map(TestData::value).toList());
            MonitorHealth.Sink counts = lane.counts();
            assertEquals(new MonitorHealth.Sink("datadog", 3, 0, 0, 0, 0, 3), counts);
        }
    }

    @Test
    void aRefusedRequestIsDroppedAndCountedNotRetried() throws Exception {
        try (FakeDatadog dd = FakeDatadog.start(API_KEY, APP_KEY)) {
            dd.script(Answer.of(400).withBody("{\"errors\":[\"Payload is not in the expected format\"]}"));
            var lane = lane(new Sinks(Map.of(), Map::of, Time.system()), dd);
            offer(lane, 1);
            dd.await("the refusal", got -> !got.isEmpty(), WAIT);
            offer(lane, 2);
            dd.await("the next collection", got -> got.size() >= 2, WAIT);
            lane.close(WAIT);
            assertEquals(List.of(2.0), dd.delivered().stream().map(TestData::value).toList());
            assertEquals(new MonitorHealth.Sink("datadog", 1, 0, 0, 1, 0, 0), lane.counts());
            assertTrue(lane.status().startsWith("ok; sent 1,"), lane.status());
        }
    }
}
