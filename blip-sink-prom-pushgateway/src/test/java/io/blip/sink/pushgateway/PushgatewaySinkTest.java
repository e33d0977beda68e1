package io.blip.sink.pushgateway;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.sink.Delivery;
import io.blip.api.sink.SendException;
import io.blip.api.sink.SinkContext;
import io.blip.api.time.Time;
import io.blip.testkit.PromText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prom-pushgateway sink's options, Blip's names as a real Prometheus parser reads them, and what each answer means. */
class PushgatewaySinkTest {
    static final OptionSet DECLARED = Delivery.OPTIONS.with(PushgatewaySettings.OPTIONS);
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    private FakePushgateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = FakePushgateway.start();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    static Options options(Map<String, ?> values) {
        return DECLARED.read(OptionSet.Input.of("sinks.prom-pushgateway", values));
    }

    private PushSink sink() {
        return (PushSink) new PushgatewaySinkFactory().make(SinkContext.of("prom-pushgateway",
                options(Map.of("addr", gateway.url(), "send-timeout", "2s")), Map.of(), Time.system()));
    }

    private static Metrics collection(String monitor, Map<String, List<MetricValue>> values) {
        return new Metrics(monitor, "p", "l", 1, T0, T0.plusMillis(5), values);
    }

    private static void send(PushSink sink, Metrics... collections) throws Exception {
        var batch = new java.util.ArrayList<Push>();
        for (Metrics m : collections) {
            batch.add(sink.encoder(MonitorConfig.of(m.monitorId())).encode(m).value());
        }
        sink.send(batch);
    }

    /** name{labels} value, of every sample. */
    private static List<String> samples(FakePushgateway.Received r) {
        return r.families().stream().flatMap(f -> f.samples().stream().map(s -> f.type() + " " + s.name()
                + (s.labels().isEmpty() ? "" : s.labels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"))) + " " + s.value())).toList();
    }

    @Test
    void defaultsToBlipsAddressAndNamesAndRefusesBadAddresses() {
        assertEquals("http://127.0.0.1:9091/metrics/job/blip/monitor/db1",
                PushgatewaySettings.of(options(Map.of())).groupUrl("db1").toString());
        assertEquals("http://gw:9091/metrics/job/blip/monitor@base64/YS9i",
                PushgatewaySettings.of(options(Map.of("addr", "http://gw:9091/"))).groupUrl("a/b").toString());
        assertFalse(PushgatewaySettings.of(options(Map.of())).exporterNames());
        assertTrue(PushgatewaySettings.of(options(Map.of("metric-names", "exporter"))).exporterNames());
        String message = assertThrows(BlipException.class, () -> PushgatewaySettings.of(options(Map.of(
                "metric-names", "exporter", "addr", "127.0.0.1:9091")))).getMessage();
        assertEquals("sinks.prom-pushgateway.addr: '127.0.0.1:9091' is not the URL of a Pushgateway; write it like"
                + " http://127.0.0.1:9091 (http:// required, as in Blip)", message);
    }

    @Test
    void blipsTranslatorsNameTheValuesAsBlipPushesThem() throws Exception {
        var values = new LinkedHashMap<String, List<MetricValue>>();
        values.put("status.global", List.of(MetricValue.gauge("threads_running", 2),
                MetricValue.counter("com_select", 10), MetricValue.counter("handler_read_key", 11),
                MetricValue.counter("connection_errors_max_connections", 1),
                MetricValue.gauge("innodb_buffer_pool_pages_free", 100),
                MetricValue.gauge("innodb_buffer_pool_pages_dirty", 3),
                MetricValue.gauge("innodb_buffer_pool_pages_total", 999),
                MetricValue.counter("innodb_buffer_pool_pages_flushed", 7),
                MetricValue.counter("innodb_rows_read", 12),
                MetricValue.counter("performance_schema_locker_lost", 0),
                new MetricValue("delta_only", 5, MetricType.DELTA_COUNTER, Map.of(), Map.of())));
        values.put("var.global", List.of(MetricValue.gauge("max_connections", 151)));
        values.put("innodb", List.of(
                new MetricValue("buffer_page_read_index_leaf", 4, MetricType.CUMULATIVE_COUNTER, Map.of(),
                        Map.of("subsystem", "buffer_page_io")),
                new MetricValue("buffer_pool_pages_data", 50, MetricType.GAUGE, Map.of(), Map.of("subsystem", "buffer")),
                new MetricValue("trx_rw_commits", 8, MetricType.CUMULATIVE_COUNTER, Map.of(),
                        Map.of("subsystem", "transaction"))));
        values.put("size.table", List.of(MetricValue.gauge("bytes", 1)));
        try (PushSink sink = sink()) {
            send(sink, collection("db1", values));
        }
        FakePushgateway.Received r = gateway.received().getFirst();
        assertEquals(200, r.status(), r.problem());
        assertEquals("/metrics/job/blip/monitor/db1", r.path());
        assertEquals(List.of(
                "gauge mysql_global_status_buffer_pool_dirty_pages 3.0",
                "counter mysql_global_status_buffer_pool_page_changes_total{operation=flushed} 7.0",
                "gauge mysql_global_status_buffer_pool_pages{state=free} 100.0",
                "counter mysql_global_status_commands_total{command=select} 10.0",
                "counter mysql_global_status_connection_errors_total{error=max_connections} 1.0",
                "counter mysql_global_status_handlers_total{handler=read_key} 11.0",
                "counter mysql_global_status_innodb_row_ops_total{operation=read} 12.0",
                "counter mysql_global_status_performance_schema_lost_total{instrumentation=locker_lost} 0.0",
                "gauge mysql_global_status_threads_running 2.0",
                "gauge mysql_global_variables_max_connections 151.0",
                "counter mysql_info_schema_innodb_metrics_buffer_page_read_total{type=index_leaf} 4.0",
                "gauge mysql_info_schema_innodb_metrics_buffer_pool_pages{state=data} 50.0",
                "counter mysql_info_schema_innodb_metrics_transaction_trx_rw_commits_total 8.0"), samples(r));
        Map<String, PromText.Family> families = FakePushgateway.byName(r);
        assertEquals("Generic gauge metric from SHOW GLOBAL STATUS.",
                families.get("mysql_global_status_threads_running").help());
        assertEquals("Generic gauge metric.", families.get("mysql_global_variables_max_connections").help());
    }

    @Test
    void aCollectionWithoutATranslatedDomainIsNotPushed() {
        try (PushSink sink = sink()) {
            assertEquals(null, sink.encoder(MonitorConfig.of("db1")).encode(collection("db1",
                    Map.of("size.table", List.of(MetricValue.gauge("bytes", 1))))));
        }
    }

    @Test
    void aRefusalCarriesThePushgatewaysWordsAndOtherFailuresAreLeftToTheRuntime() throws Exception {
        Metrics m = collection("db1", Map.of("status.global", List.of(MetricValue.gauge("threads_running", 1))));
        gateway.script(400);
        try (PushSink sink = sink()) {
            var e = assertThrows(SendException.class, () -> send(sink, m));
            assertFalse(e.retryable());
            assertEquals("HTTP 400", e.kind());
            assertEquals("the Pushgateway refused the metrics of monitor db1: HTTP 400: scripted 400", e.getMessage());
            for (int status : List.of(413, 429, 500, 503)) {
                gateway.script(status);
                var retry = assertThrows(SendException.class, () -> send(sink, m));
                assertTrue(retry.retryable(), status + ": " + retry.getMessage());
                assertEquals("HTTP " + status + ": scripted " + status, retry.getMessage());
            }
            // The batch's second push fails: the send fails, for the runtime to retry the batch.
            Metrics m2 = collection("db2", m.values());
            gateway.script(200, 503);
            assertThrows(SendException.class, () -> send(sink, m, m2));
        }
        assertEquals(7, gateway.received().size(), "one request per push: no retry of the sink's own");
    }
}
