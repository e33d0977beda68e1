package io.blip.sink.pushgateway;

import io.blip.api.sink.PromFamily;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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

    /** A collection's families (Blip's names or the exporter's); null when there are none. */
    static Push of(String monitorId, List<PromFamily> named) {
        if (named.isEmpty()) {
            return null;
        }
        var families = new ArrayList<>(named);
        families.sort(Comparator.comparing(PromFamily::name));
        var b = new StringBuilder(128 * families.size());
        int samples = 0;
        for (PromFamily f : families) {
            b.append("# HELP ").append(f.name()).append(' ');
            escape(f.help(), false, b);
            b.append("\n# TYPE ").append(f.name()).append(' ').append(f.type().text()).append('\n');
            var sorted = new ArrayList<>(f.samples());
            sorted.sort(BY_LABEL_VALUES);
            for (PromFamily.Sample s : sorted) {
                b.append(f.name());
                if (!f.labelNames().isEmpty()) {
                    b.append('{');
                    for (int i = 0; i < f.labelNames().size(); i++) {
                        b.append(i == 0 ? "" : ",").append(f.labelNames().get(i)).append("=\"");
                        escape(s.labelValues().get(i), true, b);
                        b.append('"');
                    }
                    b.append('}');
                }
                b.append(' ').append(number(s.value())).append('\n');
                samples++;
            }
        }
        return new Push(monitorId, b.toString().getBytes(StandardCharsets.UTF_8), samples);
    }

    private static final Comparator<PromFamily.Sample> BY_LABEL_VALUES = (a, b) -> {
        for (int i = 0; i < a.labelValues().size(); i++) {
            int c = a.labelValues().get(i).compareTo(b.labelValues().get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

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
