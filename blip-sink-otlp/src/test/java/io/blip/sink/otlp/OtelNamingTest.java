package io.blip.sink.otlp;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.collect.CollectorHelp;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.nanos;
import static io.blip.sink.otlp.TestData.options;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code naming: otel}: values, start times and temporality of the receiver's metrics. */
class OtelNamingTest {
    private static final Map<String, String> TABLE = Map.of("db", "app", "tbl", "t1");
    private static final Map<String, CollectorHelp> DOMAINS = Map.of("wait.io.table",
            CollectorHelp.builder("wait.io.table", "waits").metric("max_timer_fetch", MetricType.GAUGE, "ps", "longest")
                    .build());

    private static MetricMapper mapper(boolean delta) {
        return new MetricMapper("mysql.", delta, true, Set.of(), Resource.empty(), DOMAINS);
    }

    private static MetricData metric(List<MetricData> data, String name) {
        return data.stream().filter(d -> d.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + data.stream().map(MetricData::getName)
                        .toList()));
    }

    @SuppressWarnings("unchecked")
    private static SumData<LongPointData> sum(List<MetricData> data, String name) {
        return (SumData<LongPointData>) metric(data, name).getData();
    }

    private static LongPointData point(List<MetricData> data, String name, Attributes attributes) {
        return sum(data, name).getPoints().stream().filter(p -> p.getAttributes().equals(attributes)).findFirst()
                .orElseThrow(() -> new AssertionError(name + attributes));
    }

    private static Metrics status(long seconds, MetricValue... values) {
        return at("db1", 10, seconds, "status.global", List.of(values));
    }

    @Test
    void theOptionIsBlipUnlessSetAndTakesOnlyBlipOrOtel() {
        assertFalse(OtlpSettings.of(options(Map.of())).otel());
        assertTrue(OtlpSettings.of(options(pairs("naming", "otel"))).otel());
        BlipException e = assertThrows(BlipException.class, () -> options(pairs("naming", "prometheus")));
        assertTrue(e.getMessage().contains("naming"), e.getMessage());
    }

    @Test
    void countersAreCumulativeIntSumsFromMysqlsStartWithTheReceiversAttribute() {
        MetricMapper m = mapper(false);
        m.map(status(0, MetricValue.counter("uptime", 100), MetricValue.counter("com_select", 10)));
        List<MetricData> second = m.map(status(10, MetricValue.counter("uptime", 110),
                MetricValue.counter("com_select", 15), MetricValue.gauge("threads_running", 2)));

        SumData<LongPointData> commands = sum(second, "mysql.commands");
        assertTrue(commands.isMonotonic());
        assertEquals(AggregationTemporality.CUMULATIVE, commands.getAggregationTemporality());
        LongPointData select = point(second, "mysql.commands", Attributes.builder().put("command", "select").build());
        assertEquals(15, select.getValue());
        assertEquals(nanos(-100), select.getStartEpochNanos());
        assertEquals(nanos(10), select.getEpochNanos());
        assertEquals(110, point(second, "mysql.uptime", Attributes.empty()).getValue());
        assertEquals("s", metric(second, "mysql.uptime").getUnit());

        SumData<LongPointData> threads = sum(second, "mysql.threads");
        assertFalse(threads.isMonotonic(), "the receiver's threads are a non-monotonic Sum");
        assertEquals(2, point(second, "mysql.threads", Attributes.builder().put("kind", "running").build()).getValue());
    }

    @Test
    void deltaSendsTheChangeOfCountersAndKeepsNonMonotonicSumsCumulative() {
        MetricMapper m = mapper(true);
        List<MetricData> first = m.map(status(0, MetricValue.counter("bytes_sent", 1000),
                MetricValue.gauge("threads_connected", 4)));
        assertTrue(first.stream().noneMatch(d -> d.getName().equals("mysql.client.network.io")),
                "the first sample of a counter has no change to send");
        List<MetricData> second = m.map(status(10, MetricValue.counter("bytes_sent", 1500),
                MetricValue.gauge("threads_connected", 3)));
        SumData<LongPointData> io = sum(second, "mysql.client.network.io");
        assertEquals(AggregationTemporality.DELTA, io.getAggregationTemporality());
        LongPointData sent = point(second, "mysql.client.network.io", Attributes.builder().put("kind", "sent").build());
        assertEquals(500, sent.getValue());
        assertEquals(nanos(0), sent.getStartEpochNanos());
        assertEquals("By", metric(second, "mysql.client.network.io").getUnit());
        assertEquals(AggregationTemporality.CUMULATIVE, sum(second, "mysql.threads").getAggregationTemporality());
    }

    /** With truncate-table=yes, wait.io.table gives the change since the last read: added up, as the receiver's. */
    @Test
    void truncatedTableWaitsAddUpToTheReceiversCumulativeCountsAndNanoseconds() {
        MetricMapper m = mapper(false);
        m.map(at("db1", 10, 0, "wait.io.table", List.of(
                new MetricValue("count_fetch", 3, MetricType.DELTA_COUNTER, TABLE, Map.of()),
                new MetricValue("sum_timer_fetch", 4_500, MetricType.DELTA_COUNTER, TABLE, Map.of()))));
        List<MetricData> second = m.map(at("db1", 10, 10, "wait.io.table", List.of(
                new MetricValue("count_fetch", 4, MetricType.DELTA_COUNTER, TABLE, Map.of()),
                new MetricValue("sum_timer_fetch", 6_000, MetricType.DELTA_COUNTER, TABLE, Map.of()),
                new MetricValue("max_timer_fetch", 2_000, MetricType.GAUGE, TABLE, Map.of()))));
        Attributes fetch = Attributes.builder().put("operation", "fetch").put("schema", "app").put("table", "t1")
                .build();
        LongPointData count = point(second, "mysql.table.io.wait.count", fetch);
        assertEquals(7, count.getValue());
        assertEquals(nanos(-10), count.getStartEpochNanos());
        assertEquals(AggregationTemporality.CUMULATIVE,
                sum(second, "mysql.table.io.wait.count").getAggregationTemporality());
        // Picoseconds to nanoseconds as the receiver divides: 4 + 6.
        assertEquals(10, point(second, "mysql.table.io.wait.time", fetch).getValue());
        assertEquals("ns", metric(second, "mysql.table.io.wait.time").getUnit());
        // Not the receiver's: Blip's name, group and unit.
        MetricData max = metric(second, "mysql.wait.io.table.max_timer_fetch");
        assertEquals(Attributes.builder().put("db", "app").put("tbl", "t1").build(),
                max.getData().getPoints().iterator().next().getAttributes());
        assertEquals("ps", max.getUnit(), "the domain's own unit");
    }

    @Test
    void cleanPagesAndBytesAreDataLessDirty() {
        List<MetricData> data = mapper(false).map(status(0,
                MetricValue.counter("innodb_buffer_pool_pages_data", 10),
                MetricValue.gauge("innodb_buffer_pool_pages_dirty", 3),
                MetricValue.counter("innodb_buffer_pool_bytes_data", 163_840),
                MetricValue.counter("innodb_buffer_pool_bytes_dirty", 49_152)));
        assertEquals(7, point(data, "mysql.buffer_pool.data_pages",
                Attributes.builder().put("status", "clean").build()).getValue());
        assertEquals(3, point(data, "mysql.buffer_pool.data_pages",
                Attributes.builder().put("status", "dirty").build()).getValue());
        assertEquals(114_688, point(data, "mysql.buffer_pool.usage",
                Attributes.builder().put("status", "clean").build()).getValue());
        assertEquals(10, point(data, "mysql.buffer_pool.pages",
                Attributes.builder().put("kind", "data").build()).getValue());
    }
}
