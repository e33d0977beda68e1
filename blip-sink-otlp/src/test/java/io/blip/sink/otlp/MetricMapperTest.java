package io.blip.sink.otlp;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.collect.CollectorHelp;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricMapperTest {
    private static final Map<String, CollectorHelp> DOMAINS = Map.of(
            "size.table", CollectorHelp.builder("size.table", "table sizes")
                    .metric("bytes", MetricType.GAUGE, "By", "Table size").build(),
            "status.global", CollectorHelp.builder("status.global", "status")
                    .metric("queries", MetricType.CUMULATIVE_COUNTER, "Statements run").build());

    private static MetricMapper mapper(boolean delta, Set<String> meta) {
        return new MetricMapper("mysql.", delta, false, meta, Resource.empty(), DOMAINS);
    }

    private static MetricValue counter(String name, double v) {
        return MetricValue.counter(name, v);
    }

    private static MetricData only(List<MetricData> data, String name) {
        return data.stream().filter(d -> d.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + data.stream().map(MetricData::getName).toList()));
    }

    private static DoublePointData point(MetricData d) {
        assertEquals(1, d.getData().getPoints().size(), d.toString());
        return (DoublePointData) d.getData().getPoints().iterator().next();
    }

    @Test
    void namesUnitsAndAttributesFollowTheDomain() {
        var sizes = List.of(new MetricValue("bytes", 16384, MetricType.GAUGE, Map.of("db", "app", "tbl", "t1"),
                Map.of("engine", "InnoDB")));
        List<MetricData> data = mapper(false, Set.of()).map(at("db1", 1, 0, "size.table", sizes));
        MetricData d = only(data, "mysql.size.table.bytes");
        assertEquals("By", d.getUnit());
        assertEquals("Table size", d.getDescription());
        assertEquals(MetricDataType.DOUBLE_GAUGE, d.getType());
        DoublePointData p = point(d);
        assertEquals(16384, p.getValue());
        assertEquals(Attributes.builder().put("db", "app").put("tbl", "t1").build(), p.getAttributes());
        assertEquals(nanos(0), p.getEpochNanos());
        assertEquals("io.blip", d.getInstrumentationScopeInfo().getName());
    }

    @Test
    void metaBecomesAnAttributeOnlyWhenAsked() {
        var v = List.of(new MetricValue("p99", 120, MetricType.GAUGE, Map.of(), Map.of("p99", "99.1", "other", "x")));
        Metrics m = at("db1", 1, 0, "query.response-time", v);
        assertEquals(Attributes.empty(), point(only(mapper(false, Set.of()).map(m), "mysql.query.response-time.p99"))
                .getAttributes());
        assertEquals(Attributes.of(AttributeKey.stringKey("p99"), "99.1"),
                point(only(mapper(false, Set.of("p99")).map(m), "mysql.query.response-time.p99")).getAttributes());
    }

    @Test
    void whatEveryCollectionHasInCommonIsMadeOnce() {
        // A monitor's buffer holds many of its collections: names and a series' attributes are shared.
        var mapper = mapper(false, Set.of());
        var sizes = List.of(new MetricValue("bytes", 1, MetricType.GAUGE, Map.of("db", "app", "tbl", "t1"), Map.of()));
        MetricData first = only(mapper.map(at("db1", 1, 0, "size.table", sizes)), "mysql.size.table.bytes");
        MetricData second = only(mapper.map(at("db1", 2, 5, "size.table", sizes)), "mysql.size.table.bytes");
        assertSame(first.getName(), second.getName());
        assertSame(point(first).getAttributes(), point(second).getAttributes());
        assertEquals(nanos(0), point(first).getEpochNanos());
        assertEquals(nanos(5), point(second).getEpochNanos());
    }

    @Test
    void aMetricOfSeveralSeriesIsOneMetricWithTheirPoints() {
        var sizes = List.of(new MetricValue("bytes", 1, MetricType.GAUGE, Map.of("db", "app"), Map.of()),
                new MetricValue("bytes", 2, MetricType.GAUGE, Map.of("db", "crm"), Map.of()));
        List<MetricData> data = mapper(false, Set.of()).map(at("db1", 1, 0, "size.table", sizes));
        assertEquals(1, data.size());
        assertEquals(List.of(1.0, 2.0), data.getFirst().getDoubleGaugeData().getPoints().stream()
                .map(DoublePointData::getValue).toList());
        assertEquals("By", data.getFirst().getUnit());
    }

    @Test
    void aPrefixIsConfigurableAndAnUnknownMetricHasNoUnit() {
        var m = new MetricMapper("", false, false, Set.of(), Resource.empty(), DOMAINS);
        MetricData d = only(m.map(at("db1", 1, 0, "status.global", List.of(counter("com_select", 3)))),
                "status.global.com_select");
        assertEquals("", d.getUnit());
    }

    @Test
    void gaugeAndBoolAreGauges() {
        List<MetricData> data = mapper(false, Set.of()).map(at("db1", 1, 0, "status.global",
                List.of(MetricValue.gauge("threads_running", 4)), "tls", List.of(MetricValue.bool("enabled", true))));
        assertEquals(MetricDataType.DOUBLE_GAUGE, only(data, "mysql.status.global.threads_running").getType());
        MetricData bool = only(data, "mysql.tls.enabled");
        assertEquals(MetricDataType.DOUBLE_GAUGE, bool.getType());
        assertEquals(1.0, point(bool).getValue());
    }

    @Test
    void aCumulativeCounterStartsWhenMysqlStartedAndRestartsWithIt() {
        MetricMapper m = mapper(false, Set.of());
        // uptime 100 s at T0: MySQL started at T0 - 100 s.
        MetricData first = only(m.map(at("db1", 1, 0, "status.global",
                List.of(counter("uptime", 100), counter("queries", 500)))), "mysql.status.global.queries");
        assertEquals(MetricDataType.DOUBLE_SUM, first.getType());
        assertTrue(first.getDoubleSumData().isMonotonic());
        assertEquals(AggregationTemporality.CUMULATIVE, first.getDoubleSumData().getAggregationTemporality());
        assertEquals(nanos(-100), point(first).getStartEpochNanos());
        // Uptime's whole seconds do not move the start time.
        MetricData second = only(m.map(at("db1", 2, 10, "status.global",
                List.of(counter("uptime", 111), counter("queries", 600)))), "mysql.status.global.queries");
        assertEquals(nanos(-100), point(second).getStartEpochNanos());
        assertEquals(nanos(10), point(second).getEpochNanos());
        // Restarted 5 s before the third collection: a new start time, even for a counter that grew.
        MetricData third = only(m.map(at("db1", 3, 20, "status.global",
                List.of(counter("uptime", 5), counter("queries", 700)))), "mysql.status.global.queries");
        assertEquals(nanos(15), point(third).getStartEpochNanos());
        assertEquals(700, point(third).getValue());
    }

    @Test
    void aCounterThatGoesDownStartsANewSeriesAfterItsLastSample() {
        MetricMapper m = mapper(false, Set.of());
        MetricData first = only(m.map(at("db1", 1, 0, "innodb", List.of(counter("lock_timeouts", 9)))),
                "mysql.innodb.lock_timeouts");
        assertEquals(nanos(0), point(first).getStartEpochNanos(), "no uptime: the first sample's time");
        m.map(at("db1", 2, 10, "innodb", List.of(counter("lock_timeouts", 12))));
        MetricData reset = only(m.map(at("db1", 3, 20, "innodb", List.of(counter("lock_timeouts", 2)))),
                "mysql.innodb.lock_timeouts");
        assertEquals(nanos(10), point(reset).getStartEpochNanos());
        MetricData after = only(m.map(at("db1", 4, 30, "innodb", List.of(counter("lock_timeouts", 4)))),
                "mysql.innodb.lock_timeouts");
        assertEquals(nanos(10), point(after).getStartEpochNanos());
    }

    @Test
    void deltaTemporalityDropsTheFirstSampleAndResets() {
        MetricMapper m = mapper(true, Set.of());
        assertTrue(m.map(at("db1", 1, 0, "status.global", List.of(counter("queries", 100)))).isEmpty());
        MetricData d = only(m.map(at("db1", 2, 10, "status.global", List.of(counter("queries", 130)))),
                "mysql.status.global.queries");
        assertEquals(AggregationTemporality.DELTA, d.getDoubleSumData().getAggregationTemporality());
        assertEquals(30, point(d).getValue());
        assertEquals(nanos(0), point(d).getStartEpochNanos());
        assertEquals(nanos(10), point(d).getEpochNanos());
        assertTrue(m.map(at("db1", 3, 20, "status.global", List.of(counter("queries", 7)))).isEmpty(), "a reset");
        assertEquals(5, point(only(m.map(at("db1", 4, 30, "status.global", List.of(counter("queries", 12)))),
                "mysql.status.global.queries")).getValue());
    }

    @Test
    void deltaStateIsPerSeries() {
        MetricMapper m = mapper(true, Set.of());
        var a = new MetricValue("raised", 1, MetricType.CUMULATIVE_COUNTER, Map.of("error_name", "A"), null);
        var b = new MetricValue("raised", 5, MetricType.CUMULATIVE_COUNTER, Map.of("error_name", "B"), null);
        m.map(at("db1", 1, 0, "error.global", List.of(a, b)));
        MetricData d = only(m.map(at("db1", 2, 10, "error.global", List.of(a.withValue(3), b.withValue(6)))),
                "mysql.error.global.raised");
        assertEquals(Set.of(2.0, 1.0), d.getData().getPoints().stream()
                .map(p -> ((DoublePointData) p).getValue()).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void aDeltaCounterIsADeltaSumFromItsPreviousCollection() {
        MetricMapper m = mapper(false, Set.of());
        var v = new MetricValue("count_star", 4, MetricType.DELTA_COUNTER, Map.of("db", "d", "tbl", "t"), null);
        MetricData first = only(m.map(at("db1", 1, 0, "wait.io.table", List.of(v))), "mysql.wait.io.table.count_star");
        assertEquals(AggregationTemporality.DELTA, first.getDoubleSumData().getAggregationTemporality());
        assertTrue(first.getDoubleSumData().isMonotonic());
        assertEquals(4, point(first).getValue());
        MetricData second = only(m.map(at("db1", 2, 10, "wait.io.table", List.of(v.withValue(6)))),
                "mysql.wait.io.table.count_star");
        assertEquals(nanos(0), point(second).getStartEpochNanos());
        assertEquals(nanos(10), point(second).getEpochNanos());
        assertEquals(6, point(second).getValue());
    }

    @Test
    void awsRdsValuesKeepCloudWatchTimestamps() {
        var v = MetricValue.gauge("cpuutilization", 12.5).withTime(TestData.T0.minusSeconds(60).plusMillis(250));
        DoublePointData p = point(only(mapper(false, Set.of()).map(at("db1", 1, 0, "aws.rds", List.of(v))),
                "mysql.aws.rds.cpuutilization"));
        assertEquals(nanos(-60) + 250_000_000L, p.getEpochNanos(), "the value's own time, not the collection's");
        assertEquals(Attributes.empty(), p.getAttributes());
    }
}
