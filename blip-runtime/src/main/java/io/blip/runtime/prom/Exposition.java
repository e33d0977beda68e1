package io.blip.runtime.prom;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scrape's metric families in Prometheus' text format (version 0.0.4), as client_golang writes
 * them: each family's {@code # HELP} and {@code # TYPE} once, then its samples, together. Families
 * are written in the order they were first added, samples in the order added: no sorting per scrape.
 * A sample of a family added again with other labels joins that family; the first help and type win
 * (as the exporter's own registry would refuse a second, different one).
 */
public final class Exposition {
    /** Prometheus' types as the text format names them. */
    public enum Type {
        COUNTER("counter"), GAUGE("gauge"), UNTYPED("untyped");

        private final String text;

        Type(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private record Sample(String[] labels, double value) {
    }

    private static final class Family {
        final String help;
        final Type type;
        final String[] labelNames;
        final List<Sample> samples = new ArrayList<>(4);

        Family(String help, Type type, String[] labelNames) {
            this.help = help;
            this.type = type;
            this.labelNames = labelNames;
        }
    }

    private static final String[] NO_LABELS = {};

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** A sample without labels. */
    public Exposition add(String name, String help, Type type, double value) {
        return add(name, help, type, NO_LABELS, NO_LABELS, value);
    }

    /** A sample with one label, e.g. {@code mysql_global_status_commands_total{command="select"}}. */
    public Exposition add(String name, String help, Type type, String labelName, String labelValue, double value) {
        return add(name, help, type, new String[] {labelName}, new String[] {labelValue}, value);
    }

    /**
     * A sample; {@code labelNames} are the family's (fixed by its first sample), {@code labelValues}
     * in the same order.
     */
    public Exposition add(String name, String help, Type type, String[] labelNames, String[] labelValues,
                          double value) {
        Family family = families.computeIfAbsent(name, n -> new Family(help, type, labelNames));
        family.samples.add(new Sample(labelValues, value));
        return this;
    }

    /** Whether a family of this name has a sample. */
    public boolean has(String name) {
        return families.containsKey(name);
    }

    /** How many families there are. */
    public int families() {
        return families.size();
    }

    /** Writes every family in the text format. */
    public void writeTo(Appendable out) throws IOException {
        var line = new StringBuilder(128);
        for (Map.Entry<String, Family> e : families.entrySet()) {
            String name = e.getKey();
            Family f = e.getValue();
            line.setLength(0);
            line.append("# HELP ").append(name).append(' ');
            escapeHelp(f.help, line);
            line.append("\n# TYPE ").append(name).append(' ').append(f.type.text()).append('\n');
            out.append(line);
            for (Sample s : f.samples) {
                line.setLength(0);
                line.append(name);
                if (f.labelNames.length > 0) {
                    line.append('{');
                    for (int i = 0; i < f.labelNames.length; i++) {
                        if (i > 0) {
                            line.append(',');
                        }
                        line.append(f.labelNames[i]).append("=\"");
                        escapeLabelValue(i < s.labels.length ? s.labels[i] : "", line);
                        line.append('"');
                    }
                    line.append('}');
                }
                line.append(' ');
                formatValue(s.value, line);
                line.append('\n');
                out.append(line);
            }
        }
    }

    @Override
    public String toString() {
        var out = new StringBuilder();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringBuilder does not throw
        }
        return out.toString();
    }

    /** HELP text: a backslash and a newline escaped, as the format asks. */
    static void escapeHelp(String help, StringBuilder out) {
        if (help.indexOf('\\') < 0 && help.indexOf('\n') < 0) {
            out.append(help); // nearly every help text: nothing to escape
            return;
        }
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** A label value: a backslash, a double quote and a newline escaped. */
    static void escapeLabelValue(String value, StringBuilder out) {
        if (value.indexOf('\\') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            out.append(value);
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /**
     * A value as client_golang writes it, Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}: the
     * shortest digits that read back as {@code v}, with an exponent from 1e+06 up and below 1e-04
     * ({@code 1e+06}, {@code 1.5e+07}, {@code 123456}, {@code 0.25}); {@code +Inf}, {@code -Inf}, {@code NaN}.
     */
    static void formatValue(double v, StringBuilder out) {
        if (Double.isNaN(v)) {
            out.append("NaN");
            return;
        }
        if (Double.isInfinite(v)) {
            out.append(v > 0 ? "+Inf" : "-Inf");
            return;
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            out.append((long) v); // the common case: a count below a million
            return;
        }
        // Double.toString gives the shortest digits that read back as v (JDK 19+).
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale();
        if (v < 0) {
            out.append('-');
        }
        if (exp < -4 || exp >= 6) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exp < 0 ? '-' : '+');
            int abs = Math.abs(exp);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        } else {
            out.append(d.abs().toPlainString());
        }
    }
}
