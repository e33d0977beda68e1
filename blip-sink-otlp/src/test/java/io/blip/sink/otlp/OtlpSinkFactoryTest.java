package io.blip.sink.otlp;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.MonitorHealth;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.Address;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.SinkContext;
import io.blip.api.time.Time;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.blip.sink.otlp.TestData.T0;
import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class OtlpSinkFactoryTest {

    @Test
    void declaresItsOptionsWithHeadersSecret() {
        var factory = new OtlpSinkFactory();
        assertEquals("otlp", factory.name());
        OptionSet options = factory.options();
        assertEquals(List.of("endpoint", "protocol", "headers", "compression", "ca", "cert", "key", "insecure",
                "metric-prefix", "naming", "temporality", "meta-attributes", "service-name", "health", "send-timeout",
                "send-retry-wait", "batch-delay"), options.keys());
        assertEquals(List.of("headers"), options.options().stream().filter(Option::secret).map(Option::name).toList());
        assertEquals(List.of("grpc", "http/protobuf"),
                List.copyOf(options.get("protocol").orElseThrow().values().keySet()));
        assertFalse(options.get("resource-attributes").orElseThrow().configurable(), "OTEL_RESOURCE_ATTRIBUTES only");
    }

    /** The delivery options the otlp sink declares again: its own defaults, and the names it had before. */
    @Test
    void redeclaresDeliveryOptionsWithItsDefaultsAndOlderNames() {
        OptionSet options = new OtlpSinkFactory().options();
        Option timeout = options.get("timeout").orElseThrow();
        assertEquals("send-timeout", timeout.name());
        assertEquals("5s", timeout.defaultValue());
        assertEquals(List.of("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"), timeout.env());
        Option retry = options.get("retry-initial").orElseThrow();
        assertEquals("send-retry-wait", retry.name());
        assertEquals("1s", retry.defaultValue());
        assertEquals("200ms", options.get("batch-delay").orElseThrow().defaultValue());
    }

    @Test
    void theResourceDescribesTheMonitor() {
        Resource r = OtlpSink.resource(TestData.monitor("db1", "db1.local", 3307, Map.of("env", "prod")),
                Map.of("service.name", "blip", "deployment.environment.name", "staging"));
        Map<String, Object> attrs = new TreeMap<>();
        r.getAttributes().forEach((k, v) -> attrs.put(k.getKey(), v));
        assertEquals(Map.of("service.name", "blip", "deployment.environment.name", "staging",
                "service.instance.id", "db1", "db.system.name", "mysql", "server.address", "db1.local",
                "server.port", 3307L, "blip.monitor.id", "db1", "env", "prod"), attrs);
    }

    @Test
    void aSocketMonitorHasNoServerAddress() {
        Resource r = OtlpSink.resource(MonitorConfig.of("s").withAddress(new Address("", 3306, "/run/mysqld.sock")),
                Map.of());
        assertFalse(r.getAttributes().asMap().containsKey(AttributeKey.stringKey("server.address")));
    }

    /**
     * What the runtime budgets a buffer by comes from the encoder: a collection's data points, and
     * its size as {@link EncodedSize} estimates it. A collection with nothing to send, and health
     * with {@code health: false}, is nothing to queue.
     */
    @Test
    void theEncoderGivesTheRuntimePointsAndBytesToBudget() throws Exception {
        var domains = Map.of("size.table", CollectorHelp.builder("size.table", "sizes")
                .metric("bytes", MetricType.GAUGE, "By", "Table size").build());
        var monitor = TestData.monitor("db1", "db1.db", 3306, Map.of());
        var sizes = List.of(new MetricValue("bytes", 1, MetricType.GAUGE, Map.of("db", "a"), Map.of()),
                new MetricValue("bytes", 2, MetricType.GAUGE, Map.of("db", "b"), Map.of()));
        var health = new MonitorHealth("db1", T0, T0, true, Map.of(), Map.of(), 0,
                List.of(new MonitorHealth.Sink("otlp", 0, 0, 0, 0, 0, 0)));
        try (var sink = (OtlpSink) new OtlpSinkFactory().make(SinkContext.of("otlp", options(Map.of()),
                domains, Time.system()))) {
            Encoder<List<MetricData>> encoder = sink.encoder(monitor);
            Encoder.Encoded<List<MetricData>> encoded = encoder.encode(at("db1", 1, 0,
                    "status.global", List.of(MetricValue.gauge("threads_running", 3)), "size.table", sizes));
            assertEquals(3, encoded.points());
            assertEquals(EncodedSize.of(encoded.value()), encoded.bytes());
            assertNull(encoder.encode(at("db1", 2, 5)), "an empty collection");
            // up, skipped, and the sink's sent, queued, dropped (by 3 reasons) and retries.
            assertEquals(8, encoder.encode(health).points());
        }
        try (var sink = (OtlpSink) new OtlpSinkFactory().make(SinkContext.of("otlp",
                options(Map.of("health", "false")), domains, Time.system()))) {
            assertNull(sink.encoder(monitor).encode(health));
        }
    }

    @Test
    void aSinkNamesWhereItSendsButNoHeaderValue() throws Exception {
        try (var sink = (OtlpSink) new OtlpSinkFactory().make(SinkContext.of("otlp",
                options(Map.of("endpoint", "http://c:4318", "headers", "api-key=s3cr3t")), Map.of(), Time.system()))) {
            assertEquals("otlp http/protobuf http://c:4318/v1/metrics headers [api-key]", sink.toString());
        }
    }
}
