package io.blip.sink.chronosphere;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.sink.Delivery;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.ExporterNaming;
import io.blip.api.sink.PromFamily;
import io.blip.api.sink.SendException;
import io.blip.api.sink.SinkContext;
import io.blip.api.time.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chronosphere sink's options, its MetricSet as protobuf's parser reads it after snappy, and what each answer means. */
class ChronosphereSinkTest {
    static final OptionSet DECLARED = Delivery.OPTIONS.with(ChronosphereSettings.OPTIONS);
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.250Z");
    private FakeChronosphere collector;

    @BeforeEach
    void start() throws Exception {
        collector = FakeChronosphere.start();
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    static Options options(Map<String, ?> values) {
        return DECLARED.read(OptionSet.Input.of("sinks.chronosphere", values));
    }

    private OpenMetricsSink sink(String... more) {
        var values = new LinkedHashMap<String, String>(Map.of("url", collector.url(), "send-timeout", "2s"));
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return (OpenMetricsSink) new ChronosphereSinkFactory().make(SinkContext.of("chronosphere", options(values),
                Map.of(), Time.system()));
    }

    private static Metrics collection(Map<String, List<MetricValue>> values) {
        return new Metrics("db1", "p", "l", 1, T0, T0.plusMillis(5), values);
    }

    @Test
    void blipsDefaultsAndEachMistakeAsABootError() {
        ChronosphereSettings defaults = ChronosphereSettings.of(options(Map.of()));
        assertEquals("http://127.0.0.1:3030/openmetrics/write", defaults.url().toString());
        assertFalse(defaults.strictTr() || defaults.debug());
        ChronosphereSettings docs = ChronosphereSettings.of(options(Map.of("debug", "no", "strict-tr", "yes")));
        assertTrue(docs.strictTr());
        assertFalse(defaults.exporterNames());
        assertTrue(ChronosphereSettings.of(options(Map.of("metric-names", "exporter"))).exporterNames());
        String message = assertThrows(BlipException.class, () -> ChronosphereSettings.of(options(Map.of(
                "metric-names", "exporter", "url", "localhost:3030")))).getMessage();
        assertEquals("sinks.chronosphere.url: 'localhost:3030' is not an HTTP URL; write it like"
                + " http://127.0.0.1:3030/openmetrics/write", message);
    }

    @Test
    void aMetricSetOfBlipsNamesWithTheMonitorsTagsAsLabels() throws Exception {
        var values = new LinkedHashMap<String, List<MetricValue>>();
        values.put("status.global", List.of(MetricValue.gauge("threads_running", 0), MetricValue.counter("queries",
                1234.5), new MetricValue("x", 1, MetricType.DELTA_COUNTER, Map.of(), Map.of())));
        values.put("var.global", List.of(MetricValue.gauge("max_connections", 151), MetricValue.bool("read_only",
                true)));
        values.put("innodb", List.of(new MetricValue("buffer_LRU.x", 4, MetricType.CUMULATIVE_COUNTER, Map.of(),
                Map.of("subsystem", "buffer"))));
        values.put("size.table", List.of(MetricValue.gauge("bytes", 1)));
        try (OpenMetricsSink sink = sink()) {
            var encoded = sink.encoder(MonitorConfig.of("db1").withTags(Map.of("env", "prod", "az", "a")))
                    .encode(collection(values));
            sink.send(List.of(encoded.value()));
        }
        FakeChronosphere.Received r = collector.received().getFirst();
        assertEquals(200, r.status(), r.problem());
        assertEquals("application/octet-stream", r.contentType());
        assertEquals(List.of("gauge mysql_status_threads_running 0.0", "counter mysql_status_queries 1234.5",
                "gauge mysql_var_max_connections 151.0", "gauge mysql_var_read_only 1.0",
                "counter mysql_innodb_buffer_lru_x 4.0"),
                r.points().stream().map(p -> p.type() + " " + p.name() + " " + p.value()).toList());
        assertEquals(Map.of("az", "a", "env", "prod"), r.points().getFirst().labels());
        assertEquals(List.of("az", "env"), List.copyOf(r.points().getFirst().labels().keySet()));
        assertTrue(r.points().stream().allMatch(p -> p.timestamp().equals(T0)));
    }

    /**
     * {@code metric-names: exporter}: the runtime's families (a stand-in naming here; the boot test
     * has the runtime's), a {@code Metric} per sample with the monitor's tags and the sample's labels.
     */
    @Test
    void exporterNamesAreTheRuntimesFamiliesWithTheirLabels() throws Exception {
        var naming = new ExporterNaming() {
            public java.util.Set<String> domains() {
                return java.util.Set.of("status.global");
            }

            public List<PromFamily> families(Metrics metrics) {
                return List.of(new PromFamily("mysql_global_status_commands_total", "Total number of executed MySQL"
                        + " commands.", PromFamily.Type.COUNTER, List.of("command"), List.of(
                        new PromFamily.Sample(List.of("select"), 10), new PromFamily.Sample(List.of("insert"), 2))),
                        new PromFamily("mysql_global_status_uptime", "Generic metric from SHOW GLOBAL STATUS.",
                                PromFamily.Type.UNTYPED, List.of(), List.of(new PromFamily.Sample(List.of(), 99))));
            }
        };
        var values = new LinkedHashMap<String, List<MetricValue>>();
        values.put("status.global", List.of(MetricValue.counter("com_select", 10)));
        values.put("size.table", List.of(MetricValue.gauge("bytes", 1)));
        var options = options(Map.of("url", collector.url(), "metric-names", "exporter"));
        try (var sink = (OpenMetricsSink) new ChronosphereSinkFactory().make(SinkContext.of("chronosphere", options,
                Map.of(), Time.system(), Map.of(), naming))) {
            var encoded = sink.encoder(MonitorConfig.of("db1").withTags(Map.of("env", "prod")))
                    .encode(collection(values));
            sink.send(List.of(encoded.value()));
        }
        FakeChronosphere.Received r = collector.received().getFirst();
        assertEquals(200, r.status(), r.problem());
        assertEquals(List.of("counter mysql_global_status_commands_total {command=select, env=prod} 10.0",
                        "counter mysql_global_status_commands_total {command=insert, env=prod} 2.0",
                        "gauge mysql_global_status_uptime {env=prod} 99.0"),
                r.points().stream().map(p -> p.type() + " " + p.name() + " " + p.labels() + " " + p.value()).toList());

        try (var strict = (OpenMetricsSink) new ChronosphereSinkFactory().make(SinkContext.of("chronosphere",
                options(Map.of("url", collector.url(), "metric-names", "exporter", "strict-tr", "yes")), Map.of(),
                Time.system(), Map.of(), naming))) {
            var e = assertThrows(IllegalStateException.class, () -> strict.encoder(MonitorConfig.of("db1"))
                    .encode(collection(values)));
            assertEquals("no translator for size.table (strict-tr: yes); only status.global have one", e.getMessage());
        }
    }

    @Test
    void strictTrRefusesACollectionWithAnUntranslatedDomainAndOtherwiseLeavesItOut() throws Exception {
        Metrics sizes = collection(Map.of("size.table", List.of(MetricValue.gauge("bytes", 1))));
        try (OpenMetricsSink sink = sink("strict-tr", "yes")) {
            var e = assertThrows(IllegalStateException.class, () -> sink.encoder(MonitorConfig.of("db1"))
                    .encode(sizes));
            assertEquals("no translator for size.table (strict-tr: yes); only status.global, var.global and innodb"
                    + " have one", e.getMessage());
        }
        try (OpenMetricsSink sink = sink()) {
            assertNull(sink.encoder(MonitorConfig.of("db1")).encode(sizes));
        }
    }

    @Test
    void debugLogsInsteadOfSending() throws Exception {
        try (OpenMetricsSink sink = sink("debug", "yes")) {
            Encoder.Encoded<Families> encoded = sink.encoder(MonitorConfig.of("db1")).encode(collection(Map.of(
                    "status.global", List.of(MetricValue.gauge("threads_running", 2)))));
            assertEquals(List.of("mysql_status_threads_running gauge 2.0 @2026-01-02T03:04:05.250Z"),
                    encoded.value().text());
            sink.send(List.of(encoded.value()));
        }
        assertEquals(List.of(), collector.received());
    }

    @Test
    void aRefusalCarriesTheCollectorsWordsAndOtherFailuresAreLeftToTheRuntime() throws Exception {
        Metrics m = collection(Map.of("status.global", List.of(MetricValue.gauge("threads_running", 1))));
        try (OpenMetricsSink sink = sink()) {
            Families families = sink.encoder(MonitorConfig.of("db1")).encode(m).value();
            collector.script(400);
            var e = assertThrows(SendException.class, () -> sink.send(List.of(families)));
            assertFalse(e.retryable());
            assertEquals("HTTP 400", e.kind());
            assertEquals("the Chronosphere collector refused the metrics: HTTP 400: scripted 400", e.getMessage());
            for (int status : List.of(413, 429, 500, 503)) {
                collector.script(status);
                var retry = assertThrows(SendException.class, () -> sink.send(List.of(families)));
                assertTrue(retry.retryable(), status + ": " + retry.getMessage());
                assertEquals("HTTP " + status + ": scripted " + status, retry.getMessage());
            }
        }
        assertEquals(5, collector.received().size(), "one request each: no retry of the sink's own");
    }

    @Test
    void theFakeRefusesWhatIsNotSnappyOrNotAMetricSet() {
        var e = assertThrows(IllegalArgumentException.class, () -> FakeChronosphere.decode(new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().startsWith("not a snappy block"), e.getMessage());
        byte[] notASet = SnappyBlock.compress(new byte[] {(byte) 0xFF, 0x01});
        var e2 = assertThrows(IllegalArgumentException.class, () -> FakeChronosphere.decode(notASet));
        assertTrue(e2.getMessage().startsWith("not an OpenMetrics MetricSet"), e2.getMessage());
    }

    /** What SnappyBlock writes, Google's snappy (through snappy-java) reads back, and compressed where it repeats. */
    @Test
    void snappyBlocksAreReadBackByTheReferenceImplementation() throws Exception {
        var random = new java.util.Random(42);
        for (int size : List.of(0, 1, 3, 4, 59, 60, 61, 255, 256, 257, 65_535, 65_536, 65_537, 300_000)) {
            byte[] noise = new byte[size];
            random.nextBytes(noise);
            byte[] text = new byte[size];
            for (int i = 0; i < size; i++) {
                text[i] = (byte) "mysql_status_threads_running env=prod "
                        .charAt((i * 7 + i / 1000) % 38);
            }
            for (byte[] in : List.of(noise, text)) {
                byte[] compressed = SnappyBlock.compress(in);
                assertTrue(org.xerial.snappy.Snappy.isValidCompressedBuffer(compressed), "size " + size);
                assertTrue(java.util.Arrays.equals(in, org.xerial.snappy.Snappy.uncompress(compressed)), "size " + size);
            }
            if (size >= 65_536) {
                assertTrue(SnappyBlock.compress(text).length < size / 4, "repeating text compresses");
            }
        }
    }
}
