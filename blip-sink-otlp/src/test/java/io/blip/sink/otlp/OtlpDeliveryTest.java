package io.blip.sink.otlp;

import io.blip.api.MetricValue;
import io.blip.api.MonitorHealth;
import io.blip.api.config.Options;
import io.blip.api.sink.SinkContext;
import io.blip.testkit.otlp.OtlpReceiver;
import io.blip.testkit.otlp.OtlpReceiver.Answer;
import io.blip.testkit.otlp.OtlpReceiver.Received;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;

import static io.blip.sink.otlp.TestData.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery through a collector outage: the real exporter against a real receiver on loopback that
 * answers with errors, or a port nobody listens on. Retries start at a few milliseconds so an outage of
 * many retries takes a moment; outcomes are awaited by polling with a deadline.
 */
class OtlpDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String METRIC = "mysql.status.global.threads_running";

    private static OtlpReceiver receiver(String protocol) throws IOException {
        return protocol.equals("grpc") ? OtlpReceiver.grpc() : OtlpReceiver.http();
    }

    /** A sink with fast retries; each collection is one data point, one collection per request. */
    private static OtlpSink sink(OtlpSinkFactory factory, String protocol, String endpoint, String monitorId,
                                 String... options) {
        var values = new LinkedHashMap<String, String>();
        values.put("protocol", protocol);
        values.put("endpoint", endpoint);
        values.put("batch-delay", "10ms");
        values.put("batch-size", "1");
        values.put("retry-initial", "5ms");
        values.put("retry-max", "40ms");
        for (int i = 0; i < options.length; i += 2) {
            values.put(options[i], options[i + 1]);
        }
        var monitor = TestData.monitor(monitorId, monitorId + ".db:3306", Map.of());
        return (OtlpSink) factory.make(SinkContext.of(monitor, Options.of("monitors[0].sinks.otlp", values),
                Map.of()));
    }

    /** Collection number {@code n}: its one value is {@code n}. */
    private static void send(OtlpSink sink, String monitorId, long n) {
        long start = System.nanoTime();
        sink.send(at(monitorId, n, n, "status.global", List.of(MetricValue.gauge("threads_running", n))));
        long took = System.nanoTime() - start;
        assertTrue(took < Duration.ofMillis(200).toNanos(), "send only queues; it took " + took / 1_000_000 + " ms");
    }

    /** The collection numbers of one monitor in the requests the receiver answered OK, in arrival order. */
    private static List<Long> delivered(OtlpReceiver r, String monitorId) {
        var out = new ArrayList<Long>();
        for (Received got : r.received()) {
            if (got.answer() != Answer.OK) {
                continue;
            }
            for (ResourceMetrics rm : got.request().getResourceMetricsList()) {
                if (!monitorId.equals(monitor(rm))) {
                    continue;
                }
                rm.getScopeMetricsList().stream().flatMap(s -> s.getMetricsList().stream())
                        .filter(m -> m.getName().equals(METRIC))
                        .flatMap(m -> m.getGauge().getDataPointsList().stream())
                        .forEach(p -> out.add((long) p.getAsDouble()));
            }
        }
        return out;
    }

    private static String monitor(ResourceMetrics rm) {
        return rm.getResource().getAttributesList().stream().filter(kv -> kv.getKey().equals("blip.monitor.id"))
                .map(KeyValue::getValue).map(v -> v.getStringValue()).findFirst().orElse("");
    }

    private static void until(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(5);
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @ParameterizedTest
    @CsvSource({"http/protobuf, UNAVAILABLE", "http/protobuf, TOO_MANY_REQUESTS", "grpc, UNAVAILABLE",
            "grpc, TOO_MANY_REQUESTS"})
    void anOutageThatFitsTheBufferLosesNothing(String protocol, Answer outage) throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = receiver(protocol).answer(outage);
             OtlpSink one = sink(factory, protocol, r.endpoint(), "db1", "buffer-size", "10");
             OtlpSink two = sink(factory, protocol, r.endpoint(), "db2", "buffer-size", "10")) {
            for (long n = 1; n <= 8; n++) {
                send(one, "db1", n);
                send(two, "db2", n);
            }
            // Over HTTP the receiver's Retry-After: 1 spaces the retries a second apart.
            until("several retries", () -> one.delivery().retries() + two.delivery().retries() >= 3);
            assertTrue(one.status().startsWith("last export failed: "), one.status());
            r.answer(Answer.OK);
            until("all sent", () -> one.delivery().sent() == 8 && two.delivery().sent() == 8);
            assertEquals(range(1, 8), delivered(r, "db1"), "every collection once, in order");
            assertEquals(range(1, 8), delivered(r, "db2"));
            assertEquals(0, one.delivery().dropped() + two.delivery().dropped());
            assertTrue(one.status().startsWith("ok; sent 8, queued 0, dropped 0 (buffer full), 0 (rejected)"),
                    one.status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void anOutageLongerThanTheBufferDropsTheOldestAndCountsThem(String protocol) throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = receiver(protocol).answer(Answer.UNAVAILABLE);
             OtlpSink sink = sink(factory, protocol, r.endpoint(), "db1", "buffer-size", "3")) {
            send(sink, "db1", 1);
            r.await(1, WAIT); // collection 1 is being sent (and retried): it is out of the buffer
            for (long n = 2; n <= 10; n++) {
                send(sink, "db1", n);
            }
            assertEquals(6, sink.delivery().dropped(), "2 to 7 make way for 8, 9, 10");
            assertEquals(3, sink.delivery().queued());
            r.answer(Answer.OK);
            until("all left sent", () -> sink.delivery().sent() == 4);
            assertEquals(List.of(1L, 8L, 9L, 10L), delivered(r, "db1"));
            assertTrue(sink.status().contains("sent 4, queued 0, dropped 6 (buffer full)"), sink.status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aRejectedRequestIsDroppedAtOnceAndNotRetried(String protocol) throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = receiver(protocol).answer(Answer.BAD_REQUEST);
             OtlpSink sink = sink(factory, protocol, r.endpoint(), "db1")) {
            send(sink, "db1", 1);
            until("rejected", () -> sink.delivery().rejected() == 1);
            send(sink, "db1", 2);
            until("rejected again", () -> sink.delivery().rejected() == 2);
            assertEquals(2, r.received().size(), "each sent once");
            assertEquals(0, sink.delivery().retries());
            String expected = protocol.equals("grpc") ? "last export failed: gRPC INVALID_ARGUMENT"
                    : "last export failed: HTTP 400";
            assertTrue(sink.status().startsWith(expected), sink.status());
            assertTrue(sink.status().endsWith("dropped 0 (buffer full), 2 (rejected), 0 (unsent at close), "
                    + "retries 0"), sink.status());
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
        var factory = new OtlpSinkFactory(Map.of());
        OtlpSink sink = sink(factory, protocol, endpoint, "db1", "timeout", "500ms");
        for (long n = 1; n <= 5; n++) {
            send(sink, "db1", n);
        }
        until("retries", () -> sink.delivery().retries() >= 3);
        long start = System.nanoTime();
        sink.close();
        long closing = System.nanoTime() - start;
        assertTrue(closing < Duration.ofMillis(2500).toNanos(), "close took " + closing / 1_000_000 + " ms");
        var d = sink.delivery();
        assertEquals(new SharedExporter.Delivery(0, 0, 0, 0, 5, d.retries()), d, "all 5 reported unsent");
        assertTrue(sink.status().startsWith("last export failed: "), sink.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TOO_MANY_REQUESTS", "UNAVAILABLE"})
    void anHttpRetryWaitsWhatRetryAfterAsks(Answer answer) throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = OtlpReceiver.http().answer(answer);
             OtlpSink sink = sink(factory, r.protocol(), r.endpoint(), "db1")) {
            send(sink, "db1", 1);
            r.await(1, WAIT);
            long first = System.nanoTime();
            r.await(2, WAIT);
            long apart = System.nanoTime() - first;
            // The backoff alone would be at most retry-max, 40 ms; the receiver asks for 1 s.
            assertTrue(apart >= Duration.ofMillis(900).toNanos(), "retried after " + apart / 1_000_000 + " ms");
            r.answer(Answer.OK);
            until("sent", () -> sink.delivery().sent() == 1);
            assertEquals(List.of(1L), delivered(r, "db1"));
        }
    }

    @Test
    void closeSendsWhatIsQueuedAtOnce() throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = OtlpReceiver.http()) {
            OtlpSink sink = sink(factory, r.protocol(), r.endpoint(), "db1", "batch-size", "100",
                    "batch-delay", "1m");
            for (long n = 1; n <= 3; n++) {
                send(sink, "db1", n);
            }
            long start = System.nanoTime();
            sink.close();
            long closing = System.nanoTime() - start;
            assertTrue(closing < Duration.ofSeconds(3).toNanos(), "close took " + closing / 1_000_000 + " ms");
            assertEquals(range(1, 3), delivered(r, "db1"), "close does not wait out the batch delay");
            assertEquals(3, sink.delivery().sent());
        }
    }

    private static MonitorHealth health(String monitorId, long skipped) {
        return new MonitorHealth(monitorId, Instant.now(), Instant.now().minusSeconds(60), true, Map.of(), Map.of(),
                skipped, List.of(new MonitorHealth.Sink("otlp", 0, 0, 0, 0)));
    }

    /** The values of a {@code blip.*} Sum or Gauge without attributes, in the requests answered OK. */
    private static List<Long> healthValues(OtlpReceiver r, String name) {
        var out = new ArrayList<Long>();
        for (Received got : r.received()) {
            if (got.answer() != Answer.OK) {
                continue;
            }
            got.request().getResourceMetricsList().stream().flatMap(rm -> rm.getScopeMetricsList().stream())
                    .flatMap(s -> s.getMetricsList().stream()).filter(m -> m.getName().equals(name))
                    .flatMap(m -> m.hasSum() ? m.getSum().getDataPointsList().stream()
                            : m.getGauge().getDataPointsList().stream())
                    .forEach(p -> out.add((long) p.getAsDouble()));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void healthRidesWithTheCollectionsAndOnlyTheLatestWaitsOutAnOutage(String protocol) throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = receiver(protocol).answer(Answer.UNAVAILABLE);
             OtlpSink sink = sink(factory, protocol, r.endpoint(), "db1", "buffer-size", "10")) {
            for (long n = 1; n <= 4; n++) {
                send(sink, "db1", n);
                sink.sendHealth(health("db1", n));
            }
            until("retries", () -> sink.delivery().retries() >= 2);
            r.answer(Answer.OK);
            until("all sent", () -> sink.delivery().sent() == 4 && !healthValues(r, "blip.monitor.up").isEmpty());
            assertEquals(range(1, 4), delivered(r, "db1"));
            // The first snapshot may have gone out with the first collection; later ones replace each other.
            List<Long> skipped = healthValues(r, "blip.monitor.collections.skipped");
            assertEquals(4L, skipped.getLast(), "the latest snapshot arrives: " + skipped);
            assertTrue(skipped.size() <= 2, "only the latest waits: " + skipped);
            assertEquals(4, sink.delivery().sent(), "health is not counted as a collection");
        }
    }

    @Test
    void healthFalseSendsNoBlipMetrics() throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = OtlpReceiver.http();
             OtlpSink sink = sink(factory, r.protocol(), r.endpoint(), "db1", "health", "false")) {
            sink.sendHealth(health("db1", 1));
            send(sink, "db1", 1);
            until("sent", () -> sink.delivery().sent() == 1);
            assertEquals(List.of(), healthValues(r, "blip.monitor.up"));
        }
    }

    @Test
    void aByteBudgetDropsTheOldestPastIt() throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        long each = EncodedSize.of(new MetricMapper("mysql.", false, java.util.Set.of(), io.opentelemetry.sdk.resources
                .Resource.empty(), Map.of()).map(at("db1", 1, 1, "status.global",
                List.of(MetricValue.gauge("threads_running", 1)))));
        long fits = 1024 / each;
        try (OtlpReceiver r = OtlpReceiver.http().answer(Answer.UNAVAILABLE);
             OtlpSink sink = sink(factory, r.protocol(), r.endpoint(), "db1", "buffer-size", "1000",
                     "buffer-bytes", "1KiB")) {
            send(sink, "db1", 1);
            r.await(1, WAIT); // collection 1 is in flight, out of the buffer
            for (long n = 2; n <= 40; n++) {
                send(sink, "db1", n);
            }
            assertEquals(fits, sink.delivery().queued(), "1 KiB holds " + fits + " collections of " + each + " bytes");
            assertEquals(39 - fits, sink.delivery().dropped());
            r.answer(Answer.OK);
            until("all left sent", () -> sink.delivery().sent() == 1 + fits);
            List<Long> expected = new ArrayList<>(List.of(1L));
            expected.addAll(range(41 - fits, 40));
            assertEquals(expected, delivered(r, "db1"));
        }
    }
}
