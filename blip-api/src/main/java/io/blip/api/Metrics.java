package io.blip.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One collection of one level of one monitor's plan: what every sink receives.
 *
 * @param monitorId the monitor that collected
 * @param plan      the plan name
 * @param level     the level name
 * @param interval  the collection number, counting up from 1 for the life of the plan; sinks see
 *                  intervals in increasing order
 * @param begin     when collection began
 * @param end       when collection ended
 * @param values    metric values by domain name, in the plan's domain order
 */
public record Metrics(String monitorId, String plan, String level, long interval, Instant begin, Instant end,
                      Map<String, List<MetricValue>> values) {

    public Metrics {
        Objects.requireNonNull(monitorId, "monitorId");
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        var copy = new java.util.LinkedHashMap<String, List<MetricValue>>();
        if (values != null) {
            values.forEach((domain, list) -> copy.put(domain, List.copyOf(list)));
        }
        values = java.util.Collections.unmodifiableMap(copy);
    }

    /** The number of metric values over all domains. */
    public int size() {
        int n = 0;
        for (List<MetricValue> list : values.values()) {
            n += list.size();
        }
        return n;
    }
}
