package io.blip.api.sink;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cumulative counters as deltas, for a sink whose receiver counts only changes (a StatsD counter, a
 * metrics API whose counts are per interval): Blip's {@code delta} sink as a helper an {@link Encoder}
 * keeps.
 * Per series (domain, metric and group) a {@link MetricType#CUMULATIVE_COUNTER} becomes a
 * {@link MetricType#DELTA_COUNTER} of the change since the series' previous collection. The first
 * value of a series has nothing to be a change from, and a value below the previous one is a reset
 * (MySQL restarted, a table was truncated) whose change is unknown: both are dropped, and the value
 * is remembered for the next collection. Every other type passes unchanged.
 *
 * <p>It keeps state per series, so each monitor has its own, used by one thread at a time in interval
 * order, as an {@link Encoder} is called. Kept there, on the monitor's thread before delivery, the
 * runtime's retries cannot reorder the values it subtracts.
 */
public final class CounterDeltas {
    private final Map<Series, Double> last = new HashMap<>();

    /**
     * The collection with its cumulative counters as deltas; the same instance when it has no
     * cumulative counter.
     */
    public Metrics apply(Metrics metrics) {
        if (metrics.values().values().stream().flatMap(List::stream)
                .noneMatch(v -> v.type() == MetricType.CUMULATIVE_COUNTER)) {
            return metrics;
        }
        var values = new LinkedHashMap<String, List<MetricValue>>();
        metrics.values().forEach((domain, list) -> {
            var out = new ArrayList<MetricValue>(list.size());
            for (MetricValue v : list) {
                if (v.type() != MetricType.CUMULATIVE_COUNTER) {
                    out.add(v);
                    continue;
                }
                Double previous = last.put(new Series(domain, v.name(), v.group()), v.value());
                if (previous != null && v.value() >= previous) {
                    out.add(new MetricValue(v.name(), v.value() - previous, MetricType.DELTA_COUNTER, v.group(),
                            v.meta(), v.time()));
                }
            }
            values.put(domain, out);
        });
        return new Metrics(metrics.monitorId(), metrics.plan(), metrics.level(), metrics.interval(), metrics.begin(),
                metrics.end(), values);
    }

    /** How many series it remembers a value of. */
    public int series() {
        return last.size();
    }

    private record Series(String domain, String name, Map<String, String> group) {
    }
}
