package io.blip.sink.otlp;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.blip.sink.otlp.TestData.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OTel name check: every metric {@code naming: otel} sends by a receiver's name is in the OpenTelemetry
 * Collector mysqlreceiver's {@code metadata.yaml} with the same unit, attributes (names and values), and data
 * type (an int Sum, monotonic or not, cumulative). The copy in {@code src/test/resources/mysqlreceiver/} is
 * {@code receiver/mysqlreceiver/metadata.yaml} of open-telemetry/opentelemetry-collector-contrib at commit
 * 00852ff23ed8f9fe4669478c0038aa9ed439824d, unchanged.
 */
class OtelNameCheckTest {
    /** What status.global declares as gauges (StatusGlobalFactory); the rest are cumulative counters. */
    private static final Set<String> STATUS_GAUGES = Set.of("threads_running", "threads_connected",
            "innodb_buffer_pool_pages_dirty", "innodb_buffer_pool_pages_free");
    /** The receiver's metrics Blip collects nothing for (README, "naming: otel"). */
    private static final Set<String> NOT_COVERED = Set.of(
            // Per index: wait.io.table is per table (table_io_waits_summary_by_index_usage is not read).
            "mysql.index.io.wait.count", "mysql.index.io.wait.time",
            // table_lock_waits_summary_by_table and events_statements_summary_by_digest are not read.
            "mysql.table.lock_wait.read.count", "mysql.table.lock_wait.read.time",
            "mysql.table.lock_wait.write.count", "mysql.table.lock_wait.write.time",
            "mysql.statement_event.count", "mysql.statement_event.wait.time",
            // repl reads only whether replication runs; repl.lag's lag is heartbeat or Performance Schema lag
            // in milliseconds, not Seconds_Behind_Source; SQL_Delay is not read.
            "mysql.replica.time_behind_source", "mysql.replica.sql_delay");

    private static Map<String, Map<String, Object>> metrics;
    private static Map<String, Map<String, Object>> attributes;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void loadMetadata() throws IOException {
        try (InputStream in = OtelNameCheckTest.class.getResourceAsStream("/mysqlreceiver/metadata.yaml")) {
            assertNotNull(in, "mysqlreceiver/metadata.yaml");
            var yaml = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(in);
            metrics = (Map<String, Map<String, Object>>) yaml.get("metrics");
            attributes = (Map<String, Map<String, Object>>) yaml.get("attributes");
        }
    }

    /** One collection with every metric the receiver covers, and one it does not. */
    private static List<MetricData> everything(String naming) {
        var status = new ArrayList<MetricValue>();
        for (String name : OtelNames.sources().get("status.global")) {
            status.add(new MetricValue(name, 7, STATUS_GAUGES.contains(name) ? MetricType.GAUGE
                    : MetricType.CUMULATIVE_COUNTER, Map.of(), Map.of()));
        }
        status.add(MetricValue.counter("innodb_buffer_pool_bytes_data", 163840));
        status.add(MetricValue.counter("innodb_data_read", 4096));
        var waits = new ArrayList<MetricValue>();
        for (String name : OtelNames.sources().get("wait.io.table")) {
            waits.add(new MetricValue(name, 5000, MetricType.CUMULATIVE_COUNTER, Map.of("db", "app", "tbl", "t1"),
                    Map.of()));
        }
        Metrics m = at("db1", 10, 0, "status.global", status,
                "var.global", List.of(MetricValue.gauge("innodb_buffer_pool_size", 134217728)),
                "wait.io.table", waits);
        return new MetricMapper("mysql.", false, naming.equals("otel"), Set.of(), Resource.empty(), Map.of()).map(m);
    }

    @Test
    void everyReceiverNameSentIsInTheReceiversMetadataWithItsUnitAttributesAndType() {
        var checked = new TreeSet<String>();
        for (MetricData d : everything("otel")) {
            if (d.getName().startsWith("mysql.status.global.")) {
                continue;
            }
            Map<String, Object> spec = metrics.get(d.getName());
            assertNotNull(spec, d.getName() + " is not a mysqlreceiver metric");
            assertEquals(String.valueOf(spec.get("unit")), d.getUnit(), d.getName() + " unit");
            @SuppressWarnings("unchecked")
            Map<String, Object> sum = (Map<String, Object>) spec.get("sum");
            assertNotNull(sum, d.getName() + ": the receiver's is a Sum");
            assertEquals("int", sum.get("value_type"), d.getName());
            assertEquals(MetricDataType.LONG_SUM, d.getType(), d.getName());
            SumData<?> data = (SumData<?>) d.getData();
            assertEquals(sum.get("monotonic"), data.isMonotonic(), d.getName() + " monotonic");
            assertEquals("cumulative", sum.get("aggregation_temporality"), d.getName());
            assertEquals(AggregationTemporality.CUMULATIVE, data.getAggregationTemporality(), d.getName());
            Map<String, Set<String>> expected = attributesOf(spec);
            var seen = new HashSet<Map<String, String>>();
            for (PointData p : data.getPoints()) {
                Map<String, String> got = new TreeMap<>();
                p.getAttributes().forEach((k, v) -> got.put(k.getKey(), String.valueOf(v)));
                assertEquals(expected.keySet(), got.keySet(), d.getName() + " attributes");
                got.forEach((k, v) -> assertTrue(expected.get(k).isEmpty() || expected.get(k).contains(v),
                        d.getName() + " " + k + "=" + v + " is not one of " + expected.get(k)));
                assertTrue(seen.add(got), d.getName() + ": two points of one series " + got);
            }
            checked.add(d.getName());
        }
        var uncovered = new TreeSet<>(metrics.keySet());
        uncovered.removeAll(checked);
        assertEquals(new TreeSet<>(NOT_COVERED), uncovered, "the receiver's metrics naming: otel does not send");
        assertEquals(metrics.size() - NOT_COVERED.size(), checked.size());
    }

    @Test
    void everyMetricTheReceiverCoversGoesByItsNameAndTheRestKeepBlipsWithUnits() {
        List<MetricData> sent = everything("otel");
        Set<String> blipNames = new TreeSet<>();
        sent.stream().map(MetricData::getName).filter(n -> n.startsWith("mysql.status.")).forEach(blipNames::add);
        // Only what the receiver reads for its clean bytes alone, and a variable it does not read.
        assertEquals(Set.of("mysql.status.global.innodb_buffer_pool_bytes_data",
                "mysql.status.global.innodb_data_read"),
                blipNames);
        assertEquals("By", unit(sent, "mysql.status.global.innodb_data_read"));
        assertEquals("By", unit(sent, "mysql.status.global.innodb_buffer_pool_bytes_data"));
        // Under Blip's names, nothing changes: no unit the domain does not declare.
        assertEquals("", unit(everything("blip"), "mysql.status.global.innodb_data_read"));
        assertEquals("", unit(everything("blip"), "mysql.status.global.bytes_sent"));
    }

    private static String unit(List<MetricData> data, String name) {
        return data.stream().filter(d -> d.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name)).getUnit();
    }

    /** The metric's attributes by the names the receiver sends, each with its values (none: any). */
    @SuppressWarnings("unchecked")
    private static Map<String, Set<String>> attributesOf(Map<String, Object> spec) {
        var out = new TreeMap<String, Set<String>>();
        for (Object id : (List<Object>) spec.getOrDefault("attributes", List.of())) {
            Map<String, Object> a = attributes.get((String) id);
            String name = (String) a.getOrDefault("name_override", id);
            out.put(name, Set.copyOf((List<String>) a.getOrDefault("enum", List.of())));
        }
        return out;
    }

}
