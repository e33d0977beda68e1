package io.blip.sink.datadog;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.CounterDeltas;
import io.blip.api.sink.MetricNames;
import io.blip.api.sink.MetricTranslator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One monitor's collections as Datadog points, the same for the API and DogStatsD:
 * <ul>
 *   <li>name {@code <metric-prefix><domain>.<metric>}, or {@code <metric-prefix><translated>} with a
 *       {@code metric-translator} ({@link MetricNames});</li>
 *   <li>tags {@code key:value}: the monitor's tags, then the value's meta (but {@code ts}, which would
 *       make a series per collection), then its group; each sorted by key, so a series' tags are always
 *       in one order;</li>
 *   <li>time: the value's own (CloudWatch's, for {@code aws.rds}), else its meta {@code ts}
 *       (milliseconds, as Blip's domains write it), else the collection's begin; in whole seconds;</li>
 *   <li>cumulative counters: with {@code delta}, counts of the change since the last collection
 *       ({@link CounterDeltas}); without, gauges of their value. Delta counters are counts; gauges and
 *       bools are gauges; events (which no domain makes) are not sent, as in Blip.</li>
 * </ul>
 * It keeps the monitor's counter values, so it is used as an encoder is: by one thread, in order.
 */
final class Points {
    static final String TS = "ts";

    /**
     * One point.
     *
     * @param count     a Datadog count; else a gauge
     * @param timestamp seconds since the epoch
     */
    record Point(String metric, boolean count, double value, long timestamp, List<String> tags) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Points.class);

    private final MetricNames names;
    private final CounterDeltas deltas;
    private final List<String> monitorTags;

    /** @param translator the sink's {@code metric-translator}; null for none */
    Points(String prefix, MetricTranslator translator, boolean delta, MonitorConfig monitor) {
        this.names = MetricNames.of(prefix, translator, LOG::warn);
        this.deltas = delta ? new CounterDeltas() : null;
        var tags = new ArrayList<String>();
        new TreeMap<>(monitor.tags()).forEach((k, v) -> tags.add(k + ":" + v));
        this.monitorTags = List.copyOf(tags);
    }

    /** The monitor's {@code host} tag: the host resource of its series; null when it has none. */
    static String host(MonitorConfig monitor) {
        String host = monitor.tags().get("host");
        return host == null || host.isBlank() ? null : host;
    }

    List<Point> of(Metrics collection) {
        Metrics metrics = deltas == null ? collection : deltas.apply(collection);
        long begin = metrics.begin().getEpochSecond();
        var out = new ArrayList<Point>(metrics.size());
        metrics.values().forEach((domain, values) -> {
            for (MetricValue v : values) {
                if (!Double.isFinite(v.value())) {
                    continue; // JSON has no NaN; Datadog would refuse the whole request
                }
                Boolean count = switch (v.type()) {
                    case DELTA_COUNTER -> true;
                    case CUMULATIVE_COUNTER, GAUGE, BOOL -> false;
                    case EVENT -> null;
                };
                if (count != null) {
                    out.add(new Point(names.of(domain, v.name()), count, v.value(), timestamp(v, begin),
                            tags(v)));
                }
            }
        });
        return out;
    }

    private static long timestamp(MetricValue v, long begin) {
        if (v.time() != null) {
            return v.time().getEpochSecond();
        }
        String ts = v.meta().get(TS);
        if (ts != null) {
            try {
                return Long.parseLong(ts.trim()) / 1000;
            } catch (NumberFormatException e) {
                return begin;
            }
        }
        return begin;
    }

    private List<String> tags(MetricValue v) {
        if (v.meta().isEmpty() && v.group().isEmpty()) {
            return monitorTags;
        }
        var tags = new ArrayList<String>(monitorTags.size() + v.meta().size() + v.group().size());
        tags.addAll(monitorTags);
        // Sorted by key: the same series has its tags in the same order every time.
        for (Map.Entry<String, String> m : new TreeMap<>(v.meta()).entrySet()) {
            if (!m.getKey().equals(TS)) {
                tags.add(m.getKey() + ":" + m.getValue());
            }
        }
        new TreeMap<>(v.group()).forEach((k, value) -> tags.add(k + ":" + value));
        return tags;
    }
}
