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
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
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
 *
 * <p>With {@code naming: otel}, what the OpenTelemetry Collector's {@code mysqlreceiver} also reads goes by
 * its name, attributes and unit ({@link OtelNames}), as its int Sum, monotonic or not; counters keep
 * their start times and resets as above, a delta counter (a truncated Performance Schema table) is added up
 * into the receiver's cumulative Sum, and non-monotonic Sums are cumulative whatever {@code temporality}
 * says. The rest keeps Blip's name, with a unit where {@link OtelNames#unit} knows one.
 */
final class MetricMapper {
    static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("io.blip");
    private static final String STATUS_GLOBAL = "status.global";
    private static final String UPTIME = "uptime";

    private final String prefix;
    private final boolean delta;
    private final boolean otel;
    private final Set<String> metaAttributes;
    private final Resource resource;
    private final Map<String, CollectorHelp> domains;
    private final Map<Series, Last> last = new HashMap<>();
    private final Map<ShapeKey, BlipPoint.Shape> shapes = new HashMap<>();
    /** The shapes by name and kind: two (domain, metric) pairs that make one name make one metric. */
    private final Map<NameKey, BlipPoint.Shape> shapesByName = new HashMap<>();
    /** The shapes of the receiver's metrics ({@code naming: otel}), by name and kind. */
    private final Map<NameKey, BlipPoint.Shape> receiverShapes = new HashMap<>();
    private final Map<Series, Attributes> groupAttributes = new HashMap<>();
    private long mysqlStartNanos = -1;
    private double lastUptime = -1;

    /** @param otel whether names are the OpenTelemetry Collector mysqlreceiver's ({@code naming: otel}) */
    MetricMapper(String prefix, boolean delta, boolean otel, Set<String> metaAttributes, Resource resource,
                 Map<String, CollectorHelp> domains) {
        this.prefix = prefix;
        this.delta = delta;
        this.otel = otel;
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
        long interval = metrics.interval() * 1_000_000_000L;
        Map<BlipPoint.Shape, List<PointData>> out = new LinkedHashMap<>();
        metrics.values().forEach((domain, values) -> {
            for (MetricValue v : otel ? OtelNames.derived(domain, values) : values) {
                long time = v.time() == null ? collected : nanos(v.time());
                OtelNames.Target target = otel ? OtelNames.target(domain, v.name()) : null;
                if (target == null) {
                    point(domain, v, time, restarted, out);
                } else {
                    receiverPoint(domain, v, target, time, interval, restarted, out);
                }
            }
        });
        return out.entrySet().stream()
                .map(e -> e.getValue().size() == 1 && e.getValue().getFirst() instanceof BlipPoint p ? p
                        : data(e.getKey(), e.getValue()))
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

    private void point(String domain, MetricValue v, long time, boolean restarted,
                       Map<BlipPoint.Shape, List<PointData>> out) {
        var series = new Series(domain, v.name(), v.group());
        Attributes attributes = attributes(series, domain, v, null);
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
                long seriesStart = seriesStart(previous, reset, restarted, time);
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

    /**
     * A point of the receiver's metric: an int Sum, cumulative (or, for a monotonic one with
     * {@code temporality: delta}, the change since the last collection).
     */
    private void receiverPoint(String domain, MetricValue v, OtelNames.Target target, long time, long interval,
                               boolean restarted, Map<BlipPoint.Shape, List<PointData>> out) {
        var series = new Series(domain, v.name(), v.group());
        Attributes attributes = attributes(series, domain, v, target);
        Last previous = last.get(series);
        // As the receiver: whole numbers, picoseconds to nanoseconds by integer division.
        long value = (long) v.value() / target.divisor();
        long start;
        Kind kind = Kind.CUMULATIVE;
        boolean counts = v.type() == MetricType.DELTA_COUNTER || v.type() == MetricType.EVENT;
        if (!target.metric().monotonic()) {
            start = seriesStart(previous, false, restarted, time);
        } else if (counts && delta) {
            kind = Kind.DELTA;
            start = previous == null ? time - interval : previous.time;
        } else if (counts) {
            // A delta since the last collection, added up since Blip first saw the series.
            start = previous == null ? time - interval : previous.start;
            value += previous == null ? 0 : (long) previous.value;
        } else {
            boolean reset = previous != null && (restarted || value < previous.value);
            start = seriesStart(previous, reset, restarted, time);
            if (delta) {
                last.put(series, new Last(value, time, start));
                if (previous == null || reset) {
                    return;
                }
                emit(target.metric(), Kind.DELTA, previous.time, time, attributes, value - (long) previous.value, out);
                return;
            }
        }
        last.put(series, new Last(value, time, start));
        emit(target.metric(), kind, start, time, attributes, value, out);
    }

    private void emit(OtelNames.Metric metric, Kind kind, long start, long time, Attributes attributes, long value,
                      Map<BlipPoint.Shape, List<PointData>> out) {
        BlipPoint.Shape shape = receiverShape(metric, kind);
        out.computeIfAbsent(shape, s -> new ArrayList<>()).add(LongPointData.create(start, time, attributes, value));
    }

    /**
     * A series' start time: when MySQL started for a new series (when known and earlier), a reset's time
     * (MySQL's new start after a restart) after a reset, else the start it had.
     */
    private long seriesStart(Last previous, boolean reset, boolean restarted, long time) {
        if (previous == null) {
            return mysqlStartNanos >= 0 && mysqlStartNanos < time ? mysqlStartNanos : time;
        }
        if (reset) {
            return restarted && mysqlStartNanos > previous.time ? mysqlStartNanos : previous.time;
        }
        return previous.start;
    }

    private BlipPoint.Shape receiverShape(OtelNames.Metric metric, Kind kind) {
        return receiverShapes.computeIfAbsent(new NameKey(metric.name(), kind), k -> new BlipPoint.Shape(resource,
                SCOPE, metric.name(), metric.description(), metric.unit(), MetricDataType.LONG_SUM,
                kind == Kind.DELTA ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
                metric.monotonic()));
    }

    /** The metric's shape, made on its first point. */
    private BlipPoint.Shape shape(String domain, String metric, Kind kind) {
        return shapes.computeIfAbsent(new ShapeKey(domain, metric, kind), k -> {
            // Every monitor has the same names: one copy in the JVM, not one per monitor.
            String name = (prefix + domain + "." + metric).intern();
            return shapesByName.computeIfAbsent(new NameKey(name, kind), n -> {
                Optional<MetricHelp> help = help(domain, metric);
                String unit = help.map(MetricHelp::unit).filter(u -> !u.isEmpty())
                        .orElseGet(() -> otel ? OtelNames.unit(domain, metric) : "");
                String description = help.map(MetricHelp::description).orElse("");
                return switch (kind) {
                    case GAUGE -> new BlipPoint.Shape(resource, SCOPE, name, description, unit,
                            MetricDataType.DOUBLE_GAUGE, AggregationTemporality.CUMULATIVE, true);
                    case CUMULATIVE -> new BlipPoint.Shape(resource, SCOPE, name, description, unit,
                            MetricDataType.DOUBLE_SUM, AggregationTemporality.CUMULATIVE, true);
                    case DELTA -> new BlipPoint.Shape(resource, SCOPE, name, description, unit,
                            MetricDataType.DOUBLE_SUM, AggregationTemporality.DELTA, true);
                };
            });
        });
    }

    private Optional<MetricHelp> help(String domain, String metric) {
        CollectorHelp help = domains.get(domain);
        return help == null ? Optional.empty() : help.metric(metric);
    }

    /**
     * The group's attributes (with {@code target}, the receiver's: its attribute, and the group by its
     * names), made once per series; with meta attributes (which vary) made each time.
     */
    private Attributes attributes(Series series, String domain, MetricValue v, OtelNames.Target target) {
        if (!metaAttributes.isEmpty()) {
            return attributes(domain, v, target);
        }
        if (v.group().isEmpty() && (target == null || target.attribute() == null)) {
            return Attributes.empty();
        }
        return groupAttributes.computeIfAbsent(series, s -> attributes(domain, v, target));
    }

    private Attributes attributes(String domain, MetricValue v, OtelNames.Target target) {
        AttributesBuilder b = Attributes.builder();
        if (target == null) {
            v.group().forEach(b::put);
        } else {
            if (target.attribute() != null) {
                b.put(target.attribute(), target.value());
            }
            v.group().forEach((key, value) -> b.put(OtelNames.groupKey(domain, key), value));
        }
        for (String key : metaAttributes) {
            String value = v.meta().get(key);
            if (value != null) {
                b.put(key, value);
            }
        }
        return b.build();
    }

    /** A metric of several points (a grouped domain), or any receiver metric: the SDK's own Sum or Gauge. */
    @SuppressWarnings("unchecked")
    private static MetricData data(BlipPoint.Shape shape, List<PointData> points) {
        if (shape.type == MetricDataType.LONG_SUM) {
            return new BlipMetricData(shape.resource, shape.scope, shape.name, shape.description, shape.unit,
                    shape.type, SumData.createLongSumData(shape.monotonic, shape.temporality,
                            (List<LongPointData>) (List<?>) points));
        }
        List<DoublePointData> list = (List<DoublePointData>) (List<?>) points;
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
