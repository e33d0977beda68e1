package io.blip.sink.otlp;

import io.blip.api.MetricValue;
import io.blip.api.MonitorHealth;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.testkit.LogEvents;
import io.blip.testkit.Reliability;
import io.blip.testkit.otlp.OtlpReceiver;
import io.blip.testkit.otlp.OtlpReceiver.Answer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import static io.blip.sink.otlp.Lanes.WAIT;
import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * R15: a collector that refuses for good (HTTP 400, gRPC INVALID_ARGUMENT) gets each collection
 * once: it is dropped at once and counted as rejected, never retried, and the refusal is logged once,
 * as an error with the status, however many follow. Fast retries are set so that a retry, were there
 * one, would show among the requests at once.
 */
class R15OtlpPermanentErrorTest {
    private static final int COLLECTIONS = 5;
    /** Each protocol's figure, for the row's one line. */
    private static final Map<String, String> figures = new ConcurrentSkipListMap<>();

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aRefusalIsDroppedAtOnceCountedLoggedOnceAndNeverRetried(String protocol) throws Exception {
        try (OtlpReceiver r = OtlpReceiver.of(protocol).answer(Answer.BAD_REQUEST);
             Lanes lanes = new Lanes();
             var events = new LogEvents(SinkQueue.class)) {
            var options = TestData.options(pairs("protocol", protocol,
                    "endpoint", r.endpoint(), "batch-size", "1", "batch-delay", "0s", "send-retry-wait", "1ms",
                    "retry-max", "5ms"));
            SinkQueue.Lane<?> lane = lanes.lane(TestData.monitor("db1", "db1", 3306, Map.of()), options);
            long start = System.nanoTime();
            for (long n = 1; n <= COLLECTIONS; n++) {
                lane.offer(at("db1", n, n, "status.global", List.of(MetricValue.gauge("threads_running", n))));
                r.await((int) n, WAIT); // each refused before the next is made
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            lane.close(WAIT);

            assertEquals(COLLECTIONS, r.received().size(), "each collection sent once, none again");
            assertEquals(new MonitorHealth.Sink("otlp", 0, 0, 0, COLLECTIONS, 0, 0), lane.counts());
            String status = protocol.equals("grpc") ? "gRPC INVALID_ARGUMENT bad request" : "HTTP 400";
            List<String> errors = events.at("SEVERE");
            assertEquals(List.of("sink-server-error: monitors [db1]: sink otlp (" + protocol + " " + r.endpoint()
                    + "): the receiver refused a send (" + status + "); its 1 collections are dropped, and so will be"
                    + " any other it refuses this way"), errors, "logged once, with the status");
            figures.put(protocol, protocol + ": " + COLLECTIONS + " collections refused (" + status + "): " + r.received().size()
                    + " requests (0 retries), " + lane.counts().rejected() + " counted rejected, " + errors.size()
                    + " error line; all " + COLLECTIONS + " refused and dropped within " + elapsedMs + " ms");
            Reliability.figure("R15", R15OtlpPermanentErrorTest.class, String.join("; ", figures.values()));
        }
    }
}
