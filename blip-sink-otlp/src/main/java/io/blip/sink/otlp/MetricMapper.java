package io.blip.sink.otlp;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.MetricHelp;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one monitor's collections into OTLP metric data. It keeps, per series (domain, metric,
 * group), the last value and the start time, so it is used by one thread at a time (the sink's).
 * What is the same in every collection (a metric's name and help, a series' attributes) it makes
 * once, and a metric of one point is one {@link BlipPoint}: buffers hold many collections.
 *
 * <ul>
 *   <li>Name {@code <prefix><domain>.<metric>}; unit and description from the domain's help when it
 *       declares the metric.</li>
 *   <li>Group keys become attributes; meta keys only when listed in {@code meta-attributes}.</li>
 *   <li>Time is the collection's begin, or the value's own time when it has one (as {@code aws.rds}
 *       gives CloudWatch's own timestamps).</li>
 *   <li>Cumulative counter: monotonic cumulative Sum. Its start time is when MySQL started
 *       ({@code status.global} {@code uptime}, when the plan collects it), else when Blip first saw the
 *       series. A restart (uptime went down) or a counter that went down starts a new series start
 *       time, so a backend sees the reset. With {@code delta}, the change since the last collection
 *       instead, as Blip's delta sink does: the first sample and resets are dropped.</li>
 *   <li>Delta counter and event: monotonic delta Sum from the series' previous collection.</li>
 *   <li>Gauge and bool (0/1): Gauge.</li>
 * </ul>
 */
final class MetricMapper {
    static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("io.blip");
    private static final String STATUS_GLOBAL = "status.global";
    private static final String UPTIME = "uptime";

    private final String prefix;
    private final boolean delta;
    private final Set<String> metaAttributes;
    private final Resource resource;
    private final Map<String, CollectorHelp> domains;
    private final Map<Series, Last> last = new HashMap<>();
    private final Map<ShapeKey, BlipPoint.Shape> shapes = new HashMap<>();
    /** The shapes by name and kind: two (domain, metric) pairs that make one name make one metric. */
    private final Map<NameKey, BlipPoint.Shape> shapesByName = new HashMap<>();
    private final Map<Series, Attributes> groupAttributes = new HashMap<>();
    private long mysqlStartNanos = -1;
    private double lastUptime = -1;

    MetricMapper(String prefix, boolean delta, Set<String> metaAttributes, Resource resource,
                 Map<String, CollectorHelp> domains) {
        this.prefix = prefix;
        this.delta = delta;
        this.metaAttributes = Set.copyOf(metaAttributes);
        this.resource = resource;
        this.domains = Map.copyOf(domains);
    }

    Resource resource() {
        return resource;
    }

    List<MetricData> map(Metrics metrics) {
        long collected = nanos(metrics.begin());
        boolean restarted = observeUptime(metrics, collected);
        Map<BlipPoint.Shape, List<BlipPoint>> out = new LinkedHashMap<>();
        metrics.values().forEach((domain, values) -> {
            for (MetricValue v : values) {
                point(domain, v, collected, restarted, out);
            }
        });
        return out.entrySet().stream()
                .map(e -> e.getValue().size() == 1 ? e.getValue().getFirst() : data(e.getKey(), e.getValue()))
                .toList();
    }

    /** Reads uptime to learn when MySQL started; true when it went down (MySQL restarted). */
    private boolean observeUptime(Metrics metrics, long collected) {
        Optional<MetricValue> uptime = metrics.values().getOrDefault(STATUS_GLOBAL, List.of()).stream()
                .filter(v -> v.name().equals(UPTIME) && v.group().isEmpty()).findFirst();
        if (uptime.isEmpty()) {
            return false;
        }
        double seconds = uptime.get().value();
        boolean restarted = lastUptime >= 0 && seconds < lastUptime;
        lastUptime = seconds;
        // Uptime has whole seconds: recompute only on a restart, so the start time stays put.
        if (mysqlStartNanos < 0 || restarted) {
            mysqlStartNanos = collected - (long) (seconds * 1e9);
        }
        return restarted;
    }

    private void point(String domain, MetricValue v, long collected, boolean restarted,
                       Map<BlipPoint.Shape, List<BlipPoint>> out) {
        long time = v.time() == null ? collected : nanos(v.time());
        var series = new Series(domain, v.name(), v.group());
        Attributes attributes = attributes(series, v);
        Last previous = last.get(series);
        Kind kind;
        long start;
        double value = v.value();
        switch (v.type()) {
            case GAUGE, BOOL -> {
                kind = Kind.GAUGE;
                start = 0;
            }
            case DELTA_COUNTER, EVENT -> {
                kind = Kind.DELTA;
                start = previous == null ? time : previous.time;
                last.put(series, new Last(v.value(), time, start));
            }
            case CUMULATIVE_COUNTER -> {
                boolean reset = previous != null && (restarted || v.value() < previous.value);
                long seriesStart;
                if (previous == null) {
                    seriesStart = mysqlStartNanos >= 0 && mysqlStartNanos < time ? mysqlStartNanos : time;
                } else if (reset) {
                    seriesStart = restarted && mysqlStartNanos > previous.time ? mysqlStartNanos : previous.time;
                } else {
                    seriesStart = previous.start;
                }
                last.put(series, new Last(v.value(), time, seriesStart));
                if (delta) {
                    if (previous == null || reset) {
                        return;
                    }
                    kind = Kind.DELTA;
                    start = previous.time;
                    value = v.value() - previous.value;
                } else {
                    kind = Kind.CUMULATIVE;
                    start = seriesStart;
                }
            }
            default -> throw new IllegalStateException("unknown metric type " + v.type());
        }
        BlipPoint.Shape shape = shape(domain, v.name(), kind);
        out.computeIfAbsent(shape, s -> new ArrayList<>(1)).add(new BlipPoint(shape, attributes, start, time, value));
    }

    /** The metric's shape, made on its first point. */
    private BlipPoint.Shape shape(String domain, String metric, Kind kind) {
        return shapes.computeIfAbsent(new ShapeKey(domain, metric, kind), k -> {
            // Every monitor has the same names: one copy in the JVM, not one per monitor.
            String name = (prefix + domain + "." + metric).intern();
            return shapesByName.computeIfAbsent(new NameKey(name, kind), n -> {
                Optional<MetricHelp> help = help(domain, metric);
                String unit = help.map(MetricHelp::unit).orElse("");
                String description = help.map(MetricHelp::description).orElse("");
                return switch (kind) {
                    case GAUGE -> new BlipPoint.Shape(resource, SCOPE, name, description, unit,
                            MetricDataType.DOUBLE_GAUGE, AggregationTemporality.CUMULATIVE);
                    case CUMULATIVE -> new BlipPoint.Shape(resource, SCOPE, name, description, unit,
                            MetricDataType.DOUBLE_SUM, AggregationTemporality.CUMULATIVE);
                    case DELTA -> new BlipPoint.Shape(resource, SCOPE, name, description, unit,
                            MetricDataType.DOUBLE_SUM, AggregationTemporality.DELTA);
                };
            });
        });
    }

    private Optional<MetricHelp> help(String domain, String metric) {
        CollectorHelp help = domains.get(domain);
        return help == null ? Optional.empty() : help.metric(metric);
    }

    /** The group's attributes, made once per series; with meta attributes (which vary) made each time. */
    private Attributes attributes(Series series, MetricValue v) {
        if (!metaAttributes.isEmpty()) {
            return attributes(v);
        }
        if (v.group().isEmpty()) {
            return Attributes.empty();
        }
        return groupAttributes.computeIfAbsent(series, s -> attributes(v));
    }

    private Attributes attributes(MetricValue v) {
        AttributesBuilder b = Attributes.builder();
        v.group().forEach(b::put);
        for (String key : metaAttributes) {
            String value = v.meta().get(key);
            if (value != null) {
                b.put(key, value);
            }
        }
        return b.build();
    }

    /** A metric of several points (a grouped domain): the SDK's own Sum or Gauge. */
    private static MetricData data(BlipPoint.Shape shape, List<BlipPoint> points) {
        List<DoublePointData> list = List.copyOf(points);
        return new BlipMetricData(shape.resource, shape.scope, shape.name, shape.description, shape.unit, shape.type,
                shape.type == MetricDataType.DOUBLE_GAUGE ? GaugeData.createDoubleGaugeData(list)
                        : SumData.createDoubleSumData(true, shape.temporality, list));
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private enum Kind { GAUGE, CUMULATIVE, DELTA }

    private record Series(String domain, String name, Map<String, String> group) {
    }

    private record Last(double value, long time, long start) {
    }

    private record ShapeKey(String domain, String metric, Kind kind) {
    }

    private record NameKey(String name, Kind kind) {
    }
}
