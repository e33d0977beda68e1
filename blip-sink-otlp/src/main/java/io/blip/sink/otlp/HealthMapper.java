package io.blip.sink.otlp;

import io.blip.api.MonitorHealth;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Blip's own metrics for one monitor, from its {@link MonitorHealth}: what the monitor did, and what
 * the runtime's delivery counted for each of its sinks. Names are fixed ({@code blip.*}, not under the metric prefix); the resource is
 * the monitor's; counters are cumulative Sums from when the monitor started.
 *
 * <ul>
 *   <li>{@code blip.monitor.up} Gauge: 1 when the last collection or attempt to connect reached MySQL</li>
 *   <li>{@code blip.monitor.collections} Sum, {@code level}</li>
 *   <li>{@code blip.monitor.collection.duration} Gauge in s, {@code level}: the last collection</li>
 *   <li>{@code blip.monitor.collection.errors} Sum, {@code domain}: collections it failed or missed its
 *       time limit in</li>
 *   <li>{@code blip.monitor.collections.skipped} Sum: ticks skipped, the last collection still running</li>
 *   <li>{@code blip.sink.sent} Sum, {@code sink}: collections delivered (for this sink: the collector
 *       said OK)</li>
 *   <li>{@code blip.sink.queued} Gauge, {@code sink}: collections waiting</li>
 *   <li>{@code blip.sink.dropped} Sum, {@code sink}, {@code reason}: {@code buffer_full} (the oldest
 *       dropped, the sink behind), {@code rejected} (the receiver refused the request),
 *       {@code failed} (not sent when the sink closed)</li>
 *   <li>{@code blip.sink.retries} Sum, {@code sink}: requests sent again</li>
 * </ul>
 */
final class HealthMapper {

    private final Resource resource;

    HealthMapper(Resource resource) {
        this.resource = resource;
    }

    /** The metrics of one snapshot. */
    List<MetricData> map(MonitorHealth h) {
        long time = nanos(h.time());
        long start = Math.min(nanos(h.started()), time);
        var out = new ArrayList<MetricData>();
        out.add(gauge("blip.monitor.up", "1 when the last collection or attempt to connect reached MySQL", "1",
                List.of(point(0, time, Attributes.empty(), h.up() ? 1 : 0))));
        if (!h.levels().isEmpty()) {
            var collections = new ArrayList<DoublePointData>();
            var durations = new ArrayList<DoublePointData>();
            h.levels().forEach((level, l) -> {
                Attributes a = Attributes.builder().put("level", level).build();
                collections.add(point(start, time, a, l.collections()));
                durations.add(point(0, time, a, seconds(l.lastDuration())));
            });
            out.add(sum("blip.monitor.collections", "Collections of the level", "{collection}", collections));
            out.add(gauge("blip.monitor.collection.duration", "How long the level's last collection took", "s",
                    durations));
        }
        if (!h.errors().isEmpty()) {
            var errors = new ArrayList<DoublePointData>();
            h.errors().forEach((domain, n) ->
                    errors.add(point(start, time, Attributes.builder().put("domain", domain).build(), n)));
            out.add(sum("blip.monitor.collection.errors",
                    "Collections in which the domain failed or missed its time limit", "{collection}", errors));
        }
        out.add(sum("blip.monitor.collections.skipped", "Ticks skipped because the last collection was still running",
                "{collection}", List.of(point(start, time, Attributes.empty(), h.skipped()))));
        sinks(h, start, time, out);
        return out;
    }

    private void sinks(MonitorHealth h, long start, long time, List<MetricData> out) {
        var sent = new ArrayList<DoublePointData>();
        var queued = new ArrayList<DoublePointData>();
        var dropped = new ArrayList<DoublePointData>();
        var retries = new ArrayList<DoublePointData>();
        for (MonitorHealth.Sink s : h.sinks()) {
            Attributes a = Attributes.builder().put("sink", s.name()).build();
            sent.add(point(start, time, a, s.sent()));
            queued.add(point(0, time, a, s.queued()));
            dropped.add(point(start, time, reason(s.name(), "buffer_full"), s.dropped()));
            dropped.add(point(start, time, reason(s.name(), "rejected"), s.rejected()));
            dropped.add(point(start, time, reason(s.name(), "failed"), s.failed()));
            retries.add(point(start, time, a, s.retries()));
        }
        if (sent.isEmpty()) {
            return;
        }
        out.add(sum("blip.sink.sent", "Collections the sink delivered", "{collection}", sent));
        out.add(gauge("blip.sink.queued", "Collections waiting for the sink", "{collection}", queued));
        out.add(sum("blip.sink.dropped", "Collections the sink dropped, by reason", "{collection}", dropped));
        out.add(sum("blip.sink.retries", "Requests the sink sent again", "{request}", retries));
    }

    private static Attributes reason(String sink, String reason) {
        return Attributes.builder().put("sink", sink).put("reason", reason).build();
    }

    private MetricData gauge(String name, String description, String unit, List<DoublePointData> points) {
        return new BlipMetricData(resource, MetricMapper.SCOPE, name, description, unit, MetricDataType.DOUBLE_GAUGE,
                GaugeData.createDoubleGaugeData(points));
    }

    private MetricData sum(String name, String description, String unit, List<DoublePointData> points) {
        return new BlipMetricData(resource, MetricMapper.SCOPE, name, description, unit, MetricDataType.DOUBLE_SUM,
                SumData.createDoubleSumData(true, AggregationTemporality.CUMULATIVE, points));
    }

    private static DoublePointData point(long start, long time, Attributes attributes, double value) {
        return DoublePointData.create(start, time, attributes, value, List.of());
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
