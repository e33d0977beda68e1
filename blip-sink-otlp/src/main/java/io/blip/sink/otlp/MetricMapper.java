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
 *
 * <ul>
 *   <li>Name {@code <prefix><domain>.<metric>}; unit and description from the domain's help when it
 *       declares the metric.</li>
 *   <li>Group keys become attributes; meta keys only when listed in {@code meta-attributes}.</li>
 *   <li>Time is the collection's begin, or a value's meta {@code ts} (milliseconds, as
 *       {@code aws.rds} gives CloudWatch's own timestamps).</li>
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
        Map<String, Metric> out = new LinkedHashMap<>();
        metrics.values().forEach((domain, values) -> {
            for (MetricValue v : values) {
                point(domain, v, collected, restarted, out);
            }
        });
        return out.values().stream().map(this::data).toList();
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

    private void point(String domain, MetricValue v, long collected, boolean restarted, Map<String, Metric> out) {
        long time = time(v, collected);
        Attributes attributes = attributes(v);
        var series = new Series(domain, v.name(), v.group());
        Last previous = last.get(series);
        Kind kind;
        DoublePointData point;
        switch (v.type()) {
            case GAUGE, BOOL -> {
                kind = Kind.GAUGE;
                point = point(0, time, attributes, v.value());
            }
            case DELTA_COUNTER, EVENT -> {
                kind = Kind.DELTA;
                long start = previous == null ? time : previous.time;
                last.put(series, new Last(v.value(), time, start));
                point = point(start, time, attributes, v.value());
            }
            case CUMULATIVE_COUNTER -> {
                boolean reset = previous != null && (restarted || v.value() < previous.value);
                long start;
                if (previous == null) {
                    start = mysqlStartNanos >= 0 && mysqlStartNanos < time ? mysqlStartNanos : time;
                } else if (reset) {
                    start = restarted && mysqlStartNanos > previous.time ? mysqlStartNanos : previous.time;
                } else {
                    start = previous.start;
                }
                last.put(series, new Last(v.value(), time, start));
                if (delta) {
                    if (previous == null || reset) {
                        return;
                    }
                    kind = Kind.DELTA;
                    point = point(previous.time, time, attributes, v.value() - previous.value);
                } else {
                    kind = Kind.CUMULATIVE;
                    point = point(start, time, attributes, v.value());
                }
            }
            default -> throw new IllegalStateException("unknown metric type " + v.type());
        }
        String name = prefix + domain + "." + v.name();
        out.computeIfAbsent(name + "\u0000" + kind, k -> new Metric(name, kind, help(domain, v.name())))
                .points.add(point);
    }

    private static DoublePointData point(long start, long time, Attributes attributes, double value) {
        return DoublePointData.create(start, time, attributes, value, List.of());
    }

    private Optional<MetricHelp> help(String domain, String metric) {
        CollectorHelp help = domains.get(domain);
        return help == null ? Optional.empty() : help.metric(metric);
    }

    private static long time(MetricValue v, long collected) {
        String ts = v.meta().get("ts");
        if (ts != null) {
            try {
                return Long.parseLong(ts.trim()) * 1_000_000L;
            } catch (NumberFormatException e) {
                return collected;
            }
        }
        return collected;
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

    private MetricData data(Metric m) {
        String unit = m.help.map(MetricHelp::unit).orElse("");
        String description = m.help.map(MetricHelp::description).orElse("");
        return switch (m.kind) {
            case GAUGE -> new BlipMetricData(resource, SCOPE, m.name, description, unit, MetricDataType.DOUBLE_GAUGE,
                    GaugeData.createDoubleGaugeData(m.points));
            case CUMULATIVE -> new BlipMetricData(resource, SCOPE, m.name, description, unit, MetricDataType.DOUBLE_SUM,
                    SumData.createDoubleSumData(true, AggregationTemporality.CUMULATIVE, m.points));
            case DELTA -> new BlipMetricData(resource, SCOPE, m.name, description, unit, MetricDataType.DOUBLE_SUM,
                    SumData.createDoubleSumData(true, AggregationTemporality.DELTA, m.points));
        };
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private enum Kind { GAUGE, CUMULATIVE, DELTA }

    private record Series(String domain, String name, Map<String, String> group) {
    }

    private record Last(double value, long time, long start) {
    }

    private static final class Metric {
        final String name;
        final Kind kind;
        final Optional<MetricHelp> help;
        final List<DoublePointData> points = new ArrayList<>();

        Metric(String name, Kind kind, Optional<MetricHelp> help) {
            this.name = name;
            this.kind = kind;
            this.help = help;
        }
    }
}
