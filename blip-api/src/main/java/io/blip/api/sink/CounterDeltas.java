package io.blip.api.sink;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;

import java.time.Duration;
import java.time.Instant;
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
 * runtime's retries cannot reorder the values it subtracts. A series gone from the collections (a
 * dropped table, a metric taken out of the plan) is forgotten once unseen for an hour and for three
 * times its level's period (the time between the level's last two collections: a daily level's
 * series are kept; none of a level whose period is not known yet is forgotten), by the collections'
 * time.
 */
public final class CounterDeltas {
    /** Unseen for at least this long (and three of its gaps), a series is forgotten. */
    static final Duration FORGET_AFTER = Duration.ofHours(1);
    /** How often, by the collections' time, the series are looked over. */
    static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

    private final Map<Series, Last> last = new HashMap<>();
    /** Each level's last collection and period (null until its second collection), by level name. */
    private final Map<String, Level> levels = new HashMap<>();
    private Instant swept;

    /** A series' last value, when it was collected, and its level. */
    private record Last(double value, Instant at, String level) {
    }

    private record Level(Instant at, Duration period) {
    }

    /**
     * The collection with its cumulative counters as deltas; the same instance when it has no
     * cumulative counter.
     */
    public Metrics apply(Metrics metrics) {
        Instant now = metrics.begin();
        levels.merge(metrics.level(), new Level(now, null), (was, is) -> now.isAfter(was.at())
                ? new Level(now, Duration.between(was.at(), now)) : was);
        forgetStale(now);
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
                var series = new Series(domain, v.name(), v.group());
                Last previous = last.get(series);
                last.put(series, new Last(v.value(), now, metrics.level()));
                if (previous != null && v.value() >= previous.value()) {
                    out.add(new MetricValue(v.name(), v.value() - previous.value(), MetricType.DELTA_COUNTER,
                            v.group(), v.meta(), v.time()));
                }
            }
            values.put(domain, out);
        });
        return new Metrics(metrics.monitorId(), metrics.plan(), metrics.level(), metrics.interval(), metrics.begin(),
                metrics.end(), values);
    }

    private void forgetStale(Instant now) {
        if (swept == null) {
            swept = now;
        } else if (Duration.between(swept, now).compareTo(SWEEP_EVERY) >= 0) {
            swept = now;
            last.values().removeIf(l -> stale(l, now));
        }
    }

    /** Unseen for an hour and for three of its level's periods; never while that period is unknown. */
    private boolean stale(Last l, Instant now) {
        Duration unseen = Duration.between(l.at(), now);
        Level level = levels.get(l.level());
        return unseen.compareTo(FORGET_AFTER) > 0 && level != null && level.period() != null
                && unseen.compareTo(level.period().multipliedBy(3)) > 0;
    }

    /** How many series it remembers a value of. */
    public int series() {
        return last.size();
    }

    private record Series(String domain, String name, Map<String, String> group) {
    }
}
