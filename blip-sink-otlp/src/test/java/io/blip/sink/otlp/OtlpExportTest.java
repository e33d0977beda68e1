package io.blip.sink.otlp;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.Options;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
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

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real exporter against a real OTLP receiver on loopback, over http/protobuf and gRPC. */
class OtlpExportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, CollectorHelp> DOMAINS = Map.of("size.table",
            CollectorHelp.builder("size.table", "sizes").metric("bytes", MetricType.GAUGE, "By", "Table size").build());

    private static OtlpReceiver receiver(String protocol) throws IOException {
        return protocol.equals("grpc") ? OtlpReceiver.grpc() : OtlpReceiver.http();
    }

    private static Sink sink(OtlpSinkFactory factory, OtlpReceiver r, String monitorId, String... options)
            throws Exception {
        var values = new LinkedHashMap<String, String>();
        values.put("protocol", r.protocol());
        values.put("endpoint", r.endpoint());
        values.put("batch-delay", "10ms");
        for (int i = 0; i < options.length; i += 2) {
            values.put(options[i], options[i + 1]);
        }
        var monitor = TestData.monitor(monitorId, monitorId + ".db:3306", Map.of("team", "dba"));
        return factory.make(SinkContext.of(monitor, Options.of("monitors[0].sinks.otlp", values), DOMAINS));
    }

    private static io.blip.api.Metrics collection(String monitorId) {
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
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = receiver(protocol); Sink sink = sink(factory, r, "db1")) {
            sink.send(collection("db1"));
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
            // The receiver has the request before the exporter has its answer.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (((OtlpSink) sink).delivery().sent() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(sink.status().startsWith("ok; sent 1, queued 0, dropped 0 (buffer full)"), sink.status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void gzipAndHeadersArrive(String protocol) throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = receiver(protocol);
             Sink sink = sink(factory, r, "db1", "compression", "gzip", "headers", "api-key=k%2C1,x-team=db")) {
            sink.send(collection("db1"));
            Received got = r.await(1, WAIT).getFirst();
            assertEquals("gzip", got.encoding());
            assertEquals("k,1", got.headers().get("api-key"));
            assertEquals("db", got.headers().get("x-team"));
            assertEquals(4, got.request().getResourceMetrics(0).getScopeMetrics(0).getMetricsCount());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void twoMonitorsShareOneExporterAndOneRequest(String protocol) throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        // 4 points per collection: a batch of 8 is full only when both monitors' collections are in.
        try (OtlpReceiver r = receiver(protocol);
             Sink one = sink(factory, r, "db1", "batch-size", "8", "batch-delay", "1m");
             Sink two = sink(factory, r, "db2", "batch-size", "8", "batch-delay", "1m")) {
            assertEquals(1, factory.openExporters());
            one.send(collection("db1"));
            two.send(collection("db2"));
            List<Received> got = r.await(1, WAIT);
            assertEquals(1, got.size());
            List<String> monitors = got.getFirst().request().getResourceMetricsList().stream()
                    .map(rm -> attributes(rm.getResource().getAttributesList()).get("blip.monitor.id")).sorted().toList();
            assertEquals(List.of("db1", "db2"), monitors);
        }
        assertEquals(0, factory.openExporters(), "the last sink to close shuts the exporter down");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aStalledCollectorDelaysNeitherSendNorCloseBeyondTheTimeout(String protocol) throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = receiver(protocol).answer(OtlpReceiver.Answer.STALL)) {
            Sink sink = sink(factory, r, "db1", "timeout", "300ms");
            long start = System.nanoTime();
            sink.send(collection("db1"));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "send only enqueues");
            // The request may time out before a cold gRPC channel even reaches the receiver: wait for the
            // exporter to give up, not for the receiver to see it.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!sink.status().startsWith("last export failed: ") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            start = System.nanoTime();
            sink.close();
            long closing = System.nanoTime() - start;
            assertTrue(closing < Duration.ofSeconds(3).toNanos(), "close took " + closing / 1_000_000 + " ms");
            assertTrue(sink.status().startsWith("last export failed: "), sink.status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aRejectedRequestIsReportedInStatus(String protocol) throws Exception {
        var factory = new OtlpSinkFactory(Map.of());
        try (OtlpReceiver r = receiver(protocol).answer(OtlpReceiver.Answer.BAD_REQUEST)) {
            Sink sink = sink(factory, r, "db1");
            sink.send(collection("db1"));
            r.await(1, WAIT);
            sink.close();
            assertTrue(sink.status().startsWith("last export failed: "), sink.status());
            assertEquals(1, r.received().size(), "a rejected request is not sent again");
        }
    }
}
