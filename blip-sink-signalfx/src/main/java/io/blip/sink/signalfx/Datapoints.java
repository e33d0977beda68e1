package io.blip.sink.signalfx;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.JsonString;
import io.blip.api.sink.MetricNames;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One collection as SignalFx datapoints, as Blip's signalfx sink makes them, each a JSON object of the
 * datapoint API ({@code {"metric":..,"value":..,"dimensions":{..},"timestamp":ms}}) in the array of its
 * type:
 * <ul>
 *   <li>metric {@code <metric-prefix><domain>.<metric>}, or {@code <metric-prefix><translated>} with a
 *       {@code metric-translator} ({@link MetricNames});</li>
 *   <li>dimensions: the monitor's tags, then the value's meta (but {@code ts}, which would make a
 *       time series per collection), then its group; a later one of the same name wins, as in Blip;</li>
 *   <li>timestamp in milliseconds: the value's own (CloudWatch's, for {@code aws.rds}), else its meta
 *       {@code ts} (milliseconds, as Blip's domains write it; a value whose {@code ts} is no number is
 *       left out, as Blip does), else the collection's begin;</li>
 *   <li>type: cumulative counters are {@code cumulative_counter}, delta counters {@code counter} (whole
 *       numbers, as Blip's client sends them), gauges and bools {@code gauge}; events (which no domain
 *       makes) and values that are not finite numbers (JSON has none) are left out.</li>
 * </ul>
 */
record Datapoints(List<String> gauge, List<String> counter, List<String> cumulativeCounter) {
    static final String TS = "ts";

    int size() {
        return gauge.size() + counter.size() + cumulativeCounter.size();
    }

    long bytes() {
        return gauge.stream().mapToLong(String::length).sum() + counter.stream().mapToLong(String::length).sum()
                + cumulativeCounter.stream().mapToLong(String::length).sum();
    }

    /** A monitor's collection; its tags are the first dimensions of every datapoint. */
    static Datapoints of(Metrics metrics, MetricNames names, MonitorConfig monitor) {
        var gauge = new ArrayList<String>();
        var counter = new ArrayList<String>();
        var cumulative = new ArrayList<String>();
        long begin = metrics.begin().toEpochMilli();
        Map<String, String> tags = new TreeMap<>(monitor.tags());
        metrics.values().forEach((domain, values) -> {
            for (MetricValue v : values) {
                Long ts = timestamp(v, begin);
                if (ts == null || !Double.isFinite(v.value())) {
                    continue;
                }
                String metric = names.of(domain, v.name());
                switch (v.type()) {
                    case GAUGE, BOOL -> gauge.add(json(metric, number(v.value()), dimensions(tags, v), ts));
                    case CUMULATIVE_COUNTER -> cumulative.add(json(metric, number(v.value()), dimensions(tags, v),
                            ts));
                    case DELTA_COUNTER -> counter.add(json(metric, Long.toString((long) v.value()),
                            dimensions(tags, v), ts));
                    case EVENT -> {
                    }
                }
            }
        });
        return new Datapoints(gauge, counter, cumulative);
    }

    private static Long timestamp(MetricValue v, long begin) {
        if (v.time() != null) {
            return v.time().toEpochMilli();
        }
        String ts = v.meta().get(TS);
        if (ts == null) {
            return begin;
        }
        try {
            return Long.parseLong(ts.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Map<String, String> dimensions(Map<String, String> tags, MetricValue v) {
        if (v.meta().isEmpty() && v.group().isEmpty()) {
            return tags;
        }
        var out = new LinkedHashMap<>(tags);
        new TreeMap<>(v.meta()).forEach((k, value) -> {
            if (!k.equals(TS)) {
                out.put(k, value);
            }
        });
        out.putAll(new TreeMap<>(v.group()));
        return out;
    }

    private static String json(String metric, String value, Map<String, String> dimensions, long timestamp) {
        var b = new StringBuilder(64 + metric.length() + 24 * dimensions.size());
        b.append("{\"metric\":");
        JsonString.append(b, metric);
        b.append(",\"value\":").append(value);
        if (!dimensions.isEmpty()) {
            b.append(",\"dimensions\":{");
            boolean first = true;
            for (Map.Entry<String, String> d : dimensions.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                JsonString.append(b, d.getKey());
                b.append(':');
                JsonString.append(b, d.getValue());
            }
            b.append('}');
        }
        return b.append(",\"timestamp\":").append(timestamp).append('}').toString();
    }

    /** A JSON number: whole values without a fraction. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
