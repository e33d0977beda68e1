package io.blip.sink.chronosphere;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.PromFamily;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One monitor's collection as Blip's chronosphere sink makes it: one OpenMetrics {@code MetricFamily}
 * per value, each already in protobuf, with what {@code debug} logs of it.
 * <ul>
 *   <li>name {@code mysql_<short domain>_<metric>} (Blip's {@code omName}: lowercase, every character
 *       but letters, digits and {@code _} as {@code _}); only the domains Blip has a Prometheus
 *       translator for: {@code status.global} (status), {@code var.global} (var), {@code innodb};</li>
 *   <li>labels: the monitor's tags (sorted by name);</li>
 *   <li>one point at the collection's begin: gauges and bools a {@code GaugeValue}, cumulative counters a
 *       {@code CounterValue}'s total, both doubles; delta counters and events are left out, as in Blip.</li>
 * </ul>
 *
 * @param families   each a serialized {@code MetricFamily}
 * @param text       each family as a line, for {@code debug}
 * @param untranslated the domains left out for want of a translator
 */
record Families(List<byte[]> families, List<String> text, List<String> untranslated) {
    static final Map<String, String> SHORT_DOMAINS = Map.of("status.global", "status", "var.global", "var",
            "innodb", "innodb");
    private static final Pattern INVALID = Pattern.compile("[^a-zA-Z0-9_]");

    long bytes() {
        return families.stream().mapToLong(f -> f.length + 4).sum();
    }

    /**
     * The collection in mysqld_exporter's names ({@code metric-names: exporter}): one
     * {@code MetricFamily} per exporter family, a {@code Metric} per sample with the monitor's tags and
     * the sample's labels (sorted by name; a tag of a label's name gives way to the label), a counter's
     * point a {@code CounterValue}, any other's a {@code GaugeValue}.
     *
     * @param domains the domains the naming names: the others are left out
     */
    static Families of(Metrics metrics, MonitorConfig monitor, List<PromFamily> named, Set<String> domains) {
        byte[] timestamp = Proto.timestamp(metrics.begin().getEpochSecond(), metrics.begin().getNano());
        var families = new ArrayList<byte[]>();
        var text = new ArrayList<String>();
        for (PromFamily f : named) {
            boolean gauge = f.type() != PromFamily.Type.COUNTER;
            var metricsOf = new ArrayList<byte[]>(f.samples().size());
            for (PromFamily.Sample s : f.samples()) {
                var labels = new TreeMap<>(monitor.tags());
                for (int i = 0; i < f.labelNames().size(); i++) {
                    labels.put(f.labelNames().get(i), s.labelValues().get(i));
                }
                metricsOf.add(metric(labels(labels), gauge, s.value(), timestamp));
                text.add(f.name() + (labels.isEmpty() ? "" : labels.toString()) + " " + (gauge ? "gauge" : "counter")
                        + " " + s.value() + " @" + metrics.begin());
            }
            families.add(family(f.name(), metricsOf));
        }
        var untranslated = metrics.values().keySet().stream().filter(d -> !domains.contains(d)).toList();
        return new Families(families, text, untranslated);
    }

    static Families of(Metrics metrics, MonitorConfig monitor) {
        var labels = new TreeMap<>(monitor.tags());
        byte[] encodedLabels = labels(labels);
        byte[] timestamp = Proto.timestamp(metrics.begin().getEpochSecond(), metrics.begin().getNano());
        var families = new ArrayList<byte[]>();
        var text = new ArrayList<String>();
        var untranslated = new ArrayList<String>();
        metrics.values().forEach((domain, values) -> {
            String shortDomain = SHORT_DOMAINS.get(domain);
            if (shortDomain == null) {
                untranslated.add(domain);
                return;
            }
            for (MetricValue v : values) {
                boolean gauge;
                switch (v.type()) {
                    case GAUGE, BOOL -> gauge = true;
                    case CUMULATIVE_COUNTER -> gauge = false;
                    default -> {
                        continue;
                    }
                }
                String name = omName("mysql_" + shortDomain + "_" + v.name());
                families.add(family(name, List.of(metric(encodedLabels, gauge, v.value(), timestamp))));
                text.add(name + (labels.isEmpty() ? "" : labels.toString()) + " " + (gauge ? "gauge" : "counter") + " "
                        + v.value() + " @" + metrics.begin());
            }
        });
        return new Families(families, text, untranslated);
    }

    /** Blip's omName. */
    static String omName(String s) {
        return INVALID.matcher(s).replaceAll("_").toLowerCase(Locale.ROOT);
    }

    /** The {@code labels} fields (1) of a {@code Metric}: each a {@code Label{name=1, value=2}}. */
    private static byte[] labels(Map<String, String> labels) {
        var out = new ByteArrayOutputStream();
        labels.forEach((k, v) -> {
            var label = new ByteArrayOutputStream();
            Proto.string(label, 1, k);
            Proto.string(label, 2, v);
            Proto.message(out, 1, label.toByteArray());
        });
        return out.toByteArray();
    }

    /** {@code MetricFamily{name=1, metrics=5}}. */
    private static byte[] family(String name, List<byte[]> metrics) {
        var family = new ByteArrayOutputStream(name.length() + 8
                + metrics.stream().mapToInt(m -> m.length + 4).sum());
        Proto.string(family, 1, name);
        for (byte[] metric : metrics) {
            Proto.message(family, 5, metric);
        }
        return family.toByteArray();
    }

    /**
     * {@code Metric{labels=1, metric_points=2: MetricPoint{gauge_value=2 | counter_value=3: {double_value=1},
     * timestamp=8}}}.
     */
    private static byte[] metric(byte[] labels, boolean gauge, double value, byte[] timestamp) {
        var number = new ByteArrayOutputStream(9);
        Proto.fixed64(number, 1, Double.doubleToRawLongBits(value));
        var point = new ByteArrayOutputStream(32);
        Proto.message(point, gauge ? 2 : 3, number.toByteArray());
        Proto.message(point, 8, timestamp);
        var metric = new ByteArrayOutputStream(labels.length + 40);
        metric.writeBytes(labels);
        Proto.message(metric, 2, point.toByteArray());
        return metric.toByteArray();
    }
}
