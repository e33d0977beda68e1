package io.blip.sink.otlp;

import io.blip.api.MetricValue;
import io.blip.api.MonitorHealth;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.testkit.otlp.OtlpReceiver;
import io.blip.testkit.otlp.OtlpReceiver.Answer;
import io.blip.testkit.otlp.OtlpReceiver.Received;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.blip.sink.otlp.Lanes.WAIT;
import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the otlp sink tells the runtime's delivery about a collector that is down or refuses: the
 * real exporter against a real receiver on loopback that answers with errors, or a port nobody
 * listens on, each monitor sending through its lane as in Blip: which answers may pass (retried), and
 * health riding with the collections. Refusals ({@code R15OtlpPermanentErrorTest}) and
 * {@code Retry-After} ({@code R14OtlpRetryAfterTest}) are their reliability rows' tests. How the runtime
 * buffers, drops the oldest, budgets bytes and backs off is its own, and tested with the runtime
 * ({@code SinkQueueTest}).
 *
 * <p>Retries start at a few milliseconds so an outage of many retries takes a moment. Each
 * collection is one data point and one request ({@code batch-size: 1}), so the receiver's requests
 * say what happened, in order.
 */
class OtlpDeliveryTest {
    private static final String METRIC = "mysql.status.global.threads_running";

    /** Options with fast retries, one collection per request. */
    private static Options options(String protocol, String endpoint, int index, String... more) {
        var values = pairs("protocol", protocol, "endpoint", endpoint, "batch-delay", "10ms", "batch-size", "1",
                "retry-initial", "5ms", "retry-max", "40ms");
        values.putAll(pairs(more));
        return TestData.DECLARED.read(OptionSet.Input.of("monitors[" + index + "].sinks.otlp", values));
    }

    private static SinkQueue.Lane<?> lane(Lanes lanes, OtlpReceiver r, String monitorId, int index, String... more)
            throws Exception {
        return lanes.lane(monitor(monitorId), options(r.protocol(), r.endpoint(), index, more));
    }

    private static MonitorConfig monitor(String monitorId) {
        return TestData.monitor(monitorId, monitorId + ".db", 3306, Map.of());
    }

    /** Collection number {@code n}: its one value is {@code n}. */
    private static void offer(SinkQueue.Lane<?> lane, String monitorId, long n) {
        lane.offer(at(monitorId, n, n, "status.global", List.of(MetricValue.gauge("threads_running", n))));
    }

    /** The metrics of one monitor in one request. */
    private static Stream<Metric> metrics(Received got, String monitorId) {
        return got.request().getResourceMetricsList().stream().filter(rm -> monitorId.equals(monitor(rm)))
                .flatMap(rm -> rm.getScopeMetricsList().stream()).flatMap(s -> s.getMetricsList().stream());
    }

    private static String monitor(ResourceMetrics rm) {
        return rm.getResource().getAttributesList().stream().filter(kv -> kv.getKey().equals("blip.monitor.id"))
                .map(KeyValue::getValue).map(v -> v.getStringValue()).findFirst().orElse("");
    }

    /** The values of one metric of one monitor in one request. */
    private static List<Long> values(Received got, String monitorId, String metric) {
        return metrics(got, monitorId).filter(m -> m.getName().equals(metric))
                .flatMap(m -> (m.hasSum() ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList()).stream())
                .map(p -> (long) p.getAsDouble()).toList();
    }

    /** The values of one metric of one monitor in the requests answered OK, in arrival order. */
    private static List<Long> delivered(List<Received> received, String monitorId, String metric) {
        var out = new ArrayList<Long>();
        for (Received got : received) {
            if (got.answer() == Answer.OK) {
                out.addAll(values(got, monitorId, metric));
            }
        }
        return out;
    }

    /** The collection numbers of one monitor in the requests answered OK, in arrival order. */
    private static List<Long> delivered(List<Received> received, String monitorId) {
        return delivered(received, monitorId, METRIC);
    }

    /** Waits until the collections {@code 1..last} of each monitor were answered OK. */
    private static void awaitDelivered(OtlpReceiver r, long last, String... monitorIds) throws InterruptedException {
        r.await("collections 1 to " + last + " of " + List.of(monitorIds) + " answered OK",
                got -> Stream.of(monitorIds).allMatch(m -> delivered(got, m).size() >= last), WAIT);
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @ParameterizedTest
    @CsvSource({"http/protobuf, UNAVAILABLE", "http/protobuf, TOO_MANY_REQUESTS", "grpc, UNAVAILABLE",
            "grpc, TOO_MANY_REQUESTS"})
    void anOutageThatFitsTheBufferLosesNothing(String protocol, Answer outage) throws Exception {
        try (OtlpReceiver r = OtlpReceiver.of(protocol).answer(outage); Lanes lanes = new Lanes()) {
            var one = lane(lanes, r, "db1", 0, "buffer-size", "10");
            var two = lane(lanes, r, "db2", 1, "buffer-size", "10");
            for (long n = 1; n <= 8; n++) {
                offer(one, "db1", n);
                offer(two, "db2", n);
            }
            // Over HTTP the receiver's Retry-After: 1 spaces the retries a second apart. Once a request
            // arrived, the failure before it is counted.
            r.await(4, WAIT);
            assertTrue(one.counts().retries() + two.counts().retries() >= 3, one.status() + " / " + two.status());
            String why = protocol.equals("grpc")
                    ? (outage == Answer.UNAVAILABLE ? "gRPC UNAVAILABLE" : "gRPC RESOURCE_EXHAUSTED")
                    : (outage == Answer.UNAVAILABLE ? "HTTP 503" : "HTTP 429");
            assertTrue(one.status().startsWith("last send failed: " + why + "; sent 0,"), one.status());

            r.answer(Answer.OK);
            awaitDelivered(r, 8, "db1", "db2");
            one.close(WAIT);
            two.close(WAIT);
            assertEquals(range(1, 8), delivered(r.received(), "db1"), "every collection once, in order");
            assertEquals(range(1, 8), delivered(r.received(), "db2"));
            assertEquals(new MonitorHealth.Sink("otlp", 8, 0, 0, 0, 0, one.counts().retries()), one.counts());
            assertEquals(new MonitorHealth.Sink("otlp", 8, 0, 0, 0, 0, two.counts().retries()), two.counts());
            assertTrue(one.status().startsWith("ok; sent 8, queued 0, dropped 0 (buffer full), 0 (rejected), "
                    + "0 (unsent at close), retries "), one.status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aRefusedConnectionIsRetriedAndCloseGivesUpWithinItsBound(String protocol) throws Exception {
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port + (protocol.equals("grpc") ? "" : "/v1/metrics");
        try (Lanes lanes = new Lanes()) {
            var lane = lanes.lane(monitor("db1"), options(protocol, endpoint, 0, "timeout", "500ms"));
            for (long n = 1; n <= 5; n++) {
                offer(lane, "db1", n);
            }
            lanes.awaitSends(lane, 4);
            assertTrue(lane.counts().retries() >= 3, lane.status());
            long start = System.nanoTime();
            lane.close(WAIT);
            long closing = System.nanoTime() - start;
            // The flush at close lasts at most the send timeout; a send it began has as long again to end.
            assertTrue(closing < Duration.ofMillis(2500).toNanos(), "close took " + closing / 1_000_000 + " ms");
            var counts = lane.counts();
            assertEquals(new MonitorHealth.Sink("otlp", 0, 0, 0, 0, 5, counts.retries()), counts,
                    "all 5 reported unsent");
            // The JDK's client gives no message; OkHttp (gRPC) names the address.
            assertTrue(lane.status().startsWith(protocol.equals("grpc") ? "last send failed: ConnectException: "
                    + "Failed to connect to /127.0.0.1:" + port + "; sent 0," : "last send failed: ConnectException; "
                    + "sent 0,"), lane.status());
        }
    }

    /** Closing does not wait out the batch delay: what is queued goes out at once. */
    @Test
    void closeSendsWhatIsQueuedAtOnce() throws Exception {
        try (OtlpReceiver r = OtlpReceiver.http(); Lanes lanes = new Lanes()) {
            var lane = lane(lanes, r, "db1", 0, "batch-size", "100", "batch-delay", "1m");
            for (long n = 1; n <= 3; n++) {
                offer(lane, "db1", n);
            }
            long start = System.nanoTime();
            lane.close(WAIT);
            long closing = System.nanoTime() - start;
            assertTrue(closing < Duration.ofSeconds(3).toNanos(), "close took " + closing / 1_000_000 + " ms");
            assertEquals(range(1, 3), delivered(r.received(), "db1"));
            assertEquals(1, r.received().size(), "in one request");
            assertEquals(3, lane.counts().sent());
        }
    }

    /** What the runtime makes after a collection: the monitor's state, and its lane's counts. */
    private static MonitorHealth health(SinkQueue.Lane<?> lane, String monitorId, long skipped) {
        return new MonitorHealth(monitorId, Instant.now(), Instant.now().minusSeconds(60), true, Map.of(), Map.of(),
                skipped, List.of(lane.counts()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void healthRidesWithTheCollectionsAndOnlyTheLatestWaitsOutAnOutage(String protocol) throws Exception {
        try (OtlpReceiver r = OtlpReceiver.of(protocol).answer(Answer.UNAVAILABLE); Lanes lanes = new Lanes()) {
            var lane = lane(lanes, r, "db1", 0, "buffer-size", "10");
            for (long n = 1; n <= 4; n++) {
                offer(lane, "db1", n);
                lane.offerHealth(health(lane, "db1", n));
            }
            r.await(3, WAIT);
            r.answer(Answer.OK);
            r.await("the last health answered OK",
                    all -> delivered(all, "db1", "blip.monitor.collections.skipped").contains(4L), WAIT);
            lane.close(WAIT);
            assertEquals(range(1, 4), delivered(r.received(), "db1"));
            // The first snapshot may have gone out with the first collection; later ones replace each other.
            List<Long> skipped = delivered(r.received(), "db1", "blip.monitor.collections.skipped");
            assertEquals(4L, skipped.getLast(), "the latest snapshot arrives: " + skipped);
            assertTrue(skipped.size() <= 2, "only the latest waits: " + skipped);
            assertEquals(4, lane.counts().sent(), "health is not counted as a collection");
        }
    }

    @Test
    void healthFalseSendsNoBlipMetrics() throws Exception {
        try (OtlpReceiver r = OtlpReceiver.http(); Lanes lanes = new Lanes()) {
            var lane = lane(lanes, r, "db1", 0, "health", "false");
            lane.offerHealth(health(lane, "db1", 1));
            offer(lane, "db1", 1);
            lane.close(WAIT);
            assertEquals(List.of(1L), delivered(r.received(), "db1"));
            assertEquals(List.of(METRIC), r.received().stream().flatMap(got -> metrics(got, "db1"))
                    .map(Metric::getName).toList(), "no blip.* metric");
        }
    }
}
