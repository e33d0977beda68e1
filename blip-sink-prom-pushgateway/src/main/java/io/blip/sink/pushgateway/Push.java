package io.blip.sink.pushgateway;

import io.blip.api.MetricValue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One monitor's collection as the Pushgateway takes it: the text format (0.0.4) as client_golang's
 * pusher writes it, each family's {@code # HELP} and {@code # TYPE} and then its samples, families
 * sorted by name and samples by label value, no timestamps (the Pushgateway refuses them).
 *
 * @param monitorId the monitor: its group at the Pushgateway
 * @param text      the body
 * @param samples   how many samples
 */
record Push(String monitorId, byte[] text, int samples) {

    /** The collection's values in Blip's names; null when none has a name (no translated domain). */
    static Push of(String monitorId, Map<String, List<MetricValue>> values) {
        var families = new TreeMap<>(BlipNames.of(values));
        if (families.isEmpty()) {
            return null;
        }
        var b = new StringBuilder(128 * families.size());
        int samples = 0;
        for (BlipNames.Family f : families.values()) {
            b.append("# HELP ").append(f.name).append(' ');
            escape(f.help, false, b);
            b.append("\n# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
            for (Map.Entry<String, Double> s : new TreeMap<>(f.samples).entrySet()) {
                b.append(f.name);
                if (f.label != null) {
                    b.append('{').append(f.label).append("=\"");
                    escape(s.getKey(), true, b);
                    b.append("\"}");
                }
                b.append(' ').append(number(s.getValue())).append('\n');
                samples++;
            }
        }
        return new Push(monitorId, b.toString().getBytes(StandardCharsets.UTF_8), samples);
    }

    /** A value as Go's strconv writes it for the text format: whole numbers without a fraction, NaN, +Inf. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** HELP escapes {@code \} and newline; a label value also {@code "}. */
    private static void escape(String s, boolean label, StringBuilder b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '"' -> b.append(label ? "\\\"" : "\"");
                default -> b.append(c);
            }
        }
    }
}
