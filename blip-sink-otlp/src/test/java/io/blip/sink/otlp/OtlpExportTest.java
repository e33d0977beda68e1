package io.blip.sink.otlp;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.testkit.otlp.OtlpReceiver;
import io.blip.testkit.otlp.OtlpReceiver.Received;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.blip.sink.otlp.Lanes.WAIT;
import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.nanos;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real exporter against a real OTLP receiver on loopback, over http/protobuf and gRPC, each
 * monitor sending through its lane of the runtime's delivery as in Blip.
 */
class OtlpExportTest {
    private static final Map<String, CollectorHelp> DOMAINS = Map.of("size.table",
            CollectorHelp.builder("size.table", "sizes").metric("bytes", MetricType.GAUGE, "By", "Table size").build());

    /** The options of the monitor {@code index} in the config: the receiver's, a short batch delay, and more. */
    private static Options options(OtlpReceiver r, int index, String... more) {
        var values = pairs("protocol", r.protocol(), "endpoint", r.endpoint(), "batch-delay", "10ms");
        values.putAll(pairs(more));
        return TestData.DECLARED.read(OptionSet.Input.of("monitors[" + index + "].sinks.otlp", values));
    }

    private static SinkQueue.Lane<?> lane(Lanes lanes, OtlpReceiver r, String monitorId, int index, String... options)
            throws Exception {
        return lanes.lane(TestData.monitor(monitorId, monitorId + ".db", 3306, Map.of("team", "dba")),
                options(r, index, options));
    }

    private static Metrics collection(String monitorId) {
        return at(monitorId, 1, 0,
                "status.global", List.of(MetricValue.counter("uptime", 100), MetricValue.counter("queries", 42),
                        MetricValue.gauge("threads_running", 3)),
                "size.table", List.of(new MetricValue("bytes", 16384, MetricType.GAUGE,
                        Map.of("db", "app", "tbl", "t1"), Map.of())));
    }

    private static Map<String, String> attributes(List<KeyValue> list) {
        var out = new TreeMap<String, String>();
        for (KeyValue kv : list) {
            AnyValue v = kv.getValue();
            out.put(kv.getKey(), v.hasIntValue() ? String.valueOf(v.getIntValue()) : v.getStringValue());
        }
        return out;
    }

    private static Metric metric(ResourceMetrics rm, String name) {
        return rm.getScopeMetricsList().stream().flatMap(s -> s.getMetricsList().stream())
                .filter(m -> m.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aCollectionArrivesWithNamesAttributesAndResource(String protocol) throws Exception {
        try (OtlpReceiver r = OtlpReceiver.of(protocol); Lanes lanes = new Lanes(DOMAINS)) {
            var lane = lane(lanes, r, "db1", 0);
            lane.offer(collection("db1"));
            ExportMetricsServiceRequest request = r.await(1, WAIT).getFirst().request();
            assertEquals(1, request.getResourceMetricsCount());
            ResourceMetrics rm = request.getResourceMetrics(0);
            assertEquals(Map.of("service.name", "blip", "service.instance.id", "db1", "db.system.name", "mysql",
                    "server.address", "db1.db", "server.port", "3306", "blip.monitor.id", "db1", "team", "dba"),
                    attributes(rm.getResource().getAttributesList()));
            assertEquals("io.blip", rm.getScopeMetrics(0).getScope().getName());

            Metric queries = metric(rm, "mysql.status.global.queries");
            assertTrue(queries.getSum().getIsMonotonic());
            assertEquals(io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                    queries.getSum().getAggregationTemporality());
            NumberDataPoint q = queries.getSum().getDataPoints(0);
            assertEquals(42, q.getAsDouble());
            assertEquals(nanos(0), q.getTimeUnixNano());
            assertEquals(nanos(-100), q.getStartTimeUnixNano());

            assertEquals(3, metric(rm, "mysql.status.global.threads_running").getGauge().getDataPoints(0).getAsDouble());
            Metric bytes = metric(rm, "mysql.size.table.bytes");
            assertEquals("By", bytes.getUnit());
            assertEquals(Map.of("db", "app", "tbl", "t1"),
                    attributes(bytes.getGauge().getDataPoints(0).getAttributesList()));
            // The receiver has the request before the sink has its answer; closing waits for that.
            lane.close(WAIT);
            assertEquals("ok; sent 1, queued 0, dropped 0 (buffer full), 0 (rejected), 0 (unsent at close), retries 0",
                    lane.status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void gzipAndHeadersArrive(String protocol) throws Exception {
        try (OtlpReceiver r = OtlpReceiver.of(protocol); Lanes lanes = new Lanes(DOMAINS)) {
            lane(lanes, r, "db1", 0, "compression", "gzip", "headers", "api-key=k%2C1,x-team=db")
                    .offer(collection("db1"));
            Received got = r.await(1, WAIT).getFirst();
            assertEquals("gzip", got.encoding());
            assertEquals("k,1", got.headers().get("api-key"));
            assertEquals("db", got.headers().get("x-team"));
            assertEquals(4, got.request().getResourceMetrics(0).getScopeMetrics(0).getMetricsCount());
        }
    }

    /** Options written for each monitor, but equal: one sink, so one exporter, and one request for both. */
    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void twoMonitorsWithEqualOptionsShareOneSinkAndOneRequest(String protocol) throws Exception {
        // 4 points per collection: a batch of 8 is full only when both monitors' collections are in.
        try (OtlpReceiver r = OtlpReceiver.of(protocol); Lanes lanes = new Lanes(DOMAINS)) {
            var one = lane(lanes, r, "db1", 0, "batch-size", "8", "batch-delay", "1m");
            var two = lane(lanes, r, "db2", 1, "batch-size", "8", "batch-delay", "1m");
            assertEquals(1, lanes.sinks());
            one.offer(collection("db1"));
            two.offer(collection("db2"));
            List<Received> got = r.await(1, WAIT);
            assertEquals(1, got.size());
            List<String> monitors = got.getFirst().request().getResourceMetricsList().stream()
                    .map(rm -> attributes(rm.getResource().getAttributesList()).get("blip.monitor.id")).sorted().toList();
            assertEquals(List.of("db1", "db2"), monitors);

            // The first monitor to stop leaves the shared exporter to the other.
            one.close(WAIT);
            two.offer(at("db2", 2, 5, "status.global", List.of(MetricValue.gauge("threads_running", 1))));
            two.close(WAIT);
            assertEquals(2, r.received().size());
            assertTrue(two.status().startsWith("ok; sent 2,"), two.status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aStalledCollectorDelaysNeitherOfferNorCloseBeyondTheTimeout(String protocol) throws Exception {
        try (OtlpReceiver r = OtlpReceiver.of(protocol).answer(OtlpReceiver.Answer.STALL);
             Lanes lanes = new Lanes(DOMAINS)) {
            var lane = lane(lanes, r, "db1", 0, "timeout", "300ms", "retry-initial", "10ms");
            long start = System.nanoTime();
            lane.offer(collection("db1"));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "offer only queues");
            // A request the collector holds; a cold gRPC channel may time out before it even reaches the
            // receiver, and then the retry does.
            r.await(1, WAIT);
            start = System.nanoTime();
            lane.close(WAIT);
            long closing = System.nanoTime() - start;
            assertTrue(closing < Duration.ofSeconds(3).toNanos(), "close took " + closing / 1_000_000 + " ms");
            assertTrue(lane.status().startsWith("last send failed: "), lane.status());
            assertTrue(lane.status().endsWith("0 (rejected), 1 (unsent at close), retries " + lane.counts().retries()),
                    lane.status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aRejectedRequestIsReportedInStatus(String protocol) throws Exception {
        try (OtlpReceiver r = OtlpReceiver.of(protocol).answer(OtlpReceiver.Answer.BAD_REQUEST);
             Lanes lanes = new Lanes(DOMAINS)) {
            var lane = lane(lanes, r, "db1", 0);
            lane.offer(collection("db1"));
            r.await(1, WAIT);
            lane.close(WAIT);
            assertEquals((protocol.equals("grpc") ? "last send failed: gRPC INVALID_ARGUMENT bad request"
                    : "last send failed: HTTP 400") + "; sent 0, queued 0, dropped 0 (buffer full), 1 (rejected), "
                    + "0 (unsent at close), retries 0", lane.status());
            assertEquals(1, r.received().size(), "a rejected request is not sent again");
        }
    }
}
