package io.blip.sink.otlp;

import io.blip.api.MonitorHealth;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.blip.sink.otlp.TestData.T0;
import static io.blip.sink.otlp.TestData.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HealthMapperTest {
    private static final Resource RESOURCE = Resource.create(Attributes.builder().put("blip.monitor.id", "db1").build());

    private static MonitorHealth health(boolean up) {
        var levels = new LinkedHashMap<String, MonitorHealth.Level>();
        levels.put("kpi", new MonitorHealth.Level(10, Duration.ofMillis(25)));
        levels.put("all", new MonitorHealth.Level(2, Duration.ofMillis(1500)));
        return new MonitorHealth("db1", T0.plusSeconds(60), T0, up, levels,
                Map.of("status.global", 0L, "repl", 3L), 1,
                List.of(new MonitorHealth.Sink("log", 12, 0, 0, 0, 1, 0), new MonitorHealth.Sink("otlp", 9, 4, 6, 1, 0, 7)));
    }

    private static Map<String, MetricData> byName(List<MetricData> data) {
        var out = new TreeMap<String, MetricData>();
        data.forEach(d -> out.put(d.getName(), d));
        return out;
    }

    /** Point values by their attributes, written {@code k=v,k2=v2}. */
    private static Map<String, Double> values(MetricData d) {
        var out = new TreeMap<String, Double>();
        for (PointData p : d.getData().getPoints()) {
            var attributes = new TreeMap<String, String>();
            p.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), String.valueOf(v)));
            var key = new StringBuilder();
            attributes.forEach((k, v) -> key.append(key.isEmpty() ? "" : ",").append(k).append('=').append(v));
            out.put(key.toString(), ((io.opentelemetry.sdk.metrics.data.DoublePointData) p).getValue());
        }
        return out;
    }

    @Test
    void everyHealthMetricHasItsNameTypeUnitAttributesAndValue() {
        var data = byName(new HealthMapper(RESOURCE).map(health(true)));
        assertEquals(List.of("blip.monitor.collection.duration", "blip.monitor.collection.errors",
                "blip.monitor.collections", "blip.monitor.collections.skipped", "blip.monitor.up", "blip.sink.dropped",
                "blip.sink.queued", "blip.sink.retries", "blip.sink.sent"), List.copyOf(data.keySet()));

        assertEquals(Map.of("", 1.0), values(data.get("blip.monitor.up")));
        assertEquals(MetricDataType.DOUBLE_GAUGE, data.get("blip.monitor.up").getType());
        assertEquals(Map.of("level=all", 2.0, "level=kpi", 10.0), values(data.get("blip.monitor.collections")));
        assertEquals(Map.of("level=all", 1.5, "level=kpi", 0.025), values(data.get("blip.monitor.collection.duration")));
        assertEquals("s", data.get("blip.monitor.collection.duration").getUnit());
        assertEquals(Map.of("domain=repl", 3.0, "domain=status.global", 0.0),
                values(data.get("blip.monitor.collection.errors")));
        assertEquals(Map.of("", 1.0), values(data.get("blip.monitor.collections.skipped")));
        // Every sink as the runtime's delivery counted it for this monitor.
        assertEquals(Map.of("sink=log", 12.0, "sink=otlp", 9.0), values(data.get("blip.sink.sent")));
        assertEquals(Map.of("sink=log", 0.0, "sink=otlp", 4.0), values(data.get("blip.sink.queued")));
        assertEquals(Map.of("reason=buffer_full,sink=log", 0.0, "reason=failed,sink=log", 1.0,
                        "reason=rejected,sink=log", 0.0, "reason=buffer_full,sink=otlp", 6.0,
                        "reason=failed,sink=otlp", 0.0, "reason=rejected,sink=otlp", 1.0),
                values(data.get("blip.sink.dropped")));
        assertEquals(Map.of("sink=log", 0.0, "sink=otlp", 7.0), values(data.get("blip.sink.retries")));

        for (MetricData d : data.values()) {
            assertEquals(RESOURCE, d.getResource(), d.getName());
            for (PointData p : d.getData().getPoints()) {
                assertEquals(nanos(60), p.getEpochNanos(), d.getName());
            }
            if (d.getType() == MetricDataType.DOUBLE_SUM) {
                assertEquals(AggregationTemporality.CUMULATIVE, d.getDoubleSumData().getAggregationTemporality());
                assertEquals(true, d.getDoubleSumData().isMonotonic(), d.getName());
                d.getData().getPoints().forEach(p -> assertEquals(nanos(0), p.getStartEpochNanos(), d.getName()));
            }
        }
    }

    @Test
    void aMonitorThatNeverConnectedIsDownWithNoLevels() {
        var h = new MonitorHealth("db1", T0.plusSeconds(3), T0, false, Map.of(), Map.of(), 0,
                List.of(new MonitorHealth.Sink("otlp", 0, 0, 0, 0, 0, 0)));
        var data = byName(new HealthMapper(RESOURCE).map(h));
        assertEquals(Map.of("", 0.0), values(data.get("blip.monitor.up")));
        assertEquals(false, data.containsKey("blip.monitor.collections"));
        assertEquals(Map.of("sink=otlp", 0.0), values(data.get("blip.sink.sent")));
    }

    @Test
    void withoutSinkCountsThereAreNoSinkMetrics() {
        var h = new MonitorHealth("db1", T0.plusSeconds(3), T0, true, Map.of(), Map.of(), 0, List.of());
        assertEquals(List.of("blip.monitor.collections.skipped", "blip.monitor.up"),
                List.copyOf(byName(new HealthMapper(RESOURCE).map(h)).keySet()));
    }
}
