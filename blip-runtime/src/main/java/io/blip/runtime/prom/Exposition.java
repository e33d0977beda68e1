package io.blip.runtime.prom;

import io.blip.api.sink.PromFamily;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One scrape's metric families in Prometheus' text format (version 0.0.4), as client_golang writes
 * them: each family's {@code # HELP} and {@code # TYPE} once, then its samples, together. Families
 * are written in the order they were first added, samples in the order added: no sorting per scrape.
 * A sample of a family added again with other labels joins that family; the first help and type win
 * (as the exporter's own registry would refuse a second, different one).
 *
 * <p>Written as bytes as it is added: a {@link Family} holds its header's bytes and a {@link Line}
 * the bytes of a sample line up to its value, made once by whoever writes them every scrape (the
 * exporter's names of a status variable, say), so that a sample costs a copy and its value's digits.
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

    /** A metric family: its name, and its {@code # HELP} and {@code # TYPE} lines as bytes. */
    public static final class Family {
        private final String name;
        private final String help;
        private final Type type;
        private final byte[] header;
        private final String[] labelNames;
        private Line bare;

        public Family(String name, String help, Type type, String... labelNames) {
            this.name = name;
            this.help = help;
            this.type = type;
            this.labelNames = labelNames;
            var h = new StringBuilder(name.length() * 2 + help.length() + 24);
            h.append("# HELP ").append(name).append(' ');
            escapeHelp(help, h);
            h.append("\n# TYPE ").append(name).append(' ').append(type.text()).append('\n');
            this.header = h.toString().getBytes(StandardCharsets.UTF_8);
        }

        public String name() {
            return name;
        }

        /** The line of a sample with these label values, in the order of the family's label names. */
        public Line line(String... labelValues) {
            if (labelValues.length == 0 && bare != null) {
                return bare;
            }
            var l = new StringBuilder(name.length() + 32);
            l.append(name);
            if (labelNames.length > 0) {
                l.append('{');
                for (int i = 0; i < labelNames.length; i++) {
                    if (i > 0) {
                        l.append(',');
                    }
                    l.append(labelNames[i]).append("=\"");
                    escapeLabelValue(i < labelValues.length ? labelValues[i] : "", l);
                    l.append('"');
                }
                l.append('}');
            }
            l.append(' ');
            String[] values = new String[labelNames.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = i < labelValues.length ? labelValues[i] : "";
            }
            Line made = new Line(this, values, l.toString().getBytes(StandardCharsets.UTF_8));
            if (labelValues.length == 0) {
                bare = made;
            }
            return made;
        }
    }

    /** A sample line up to its value ({@code name{label="value"} }) as bytes, and its family. */
    public static final class Line {
        private final Family family;
        private final String[] labelValues;
        private final byte[] start;

        private Line(Family family, String[] labelValues, byte[] start) {
            this.family = family;
            this.labelValues = labelValues;
            this.start = start;
        }

        public Family family() {
            return family;
        }
    }

    /** A family's samples so far: the first and last of its lines, linked through {@link #next}. */
    private static final class Group {
        final Family family;
        int first;
        int last;

        Group(Family family, int line) {
            this.family = family;
            this.first = line;
            this.last = line;
        }
    }

    private final Map<String, Group> groups = new HashMap<>();
    /** The groups in the order their family was first added. */
    private Group[] order = new Group[64];
    private int families;
    /** Every sample line, in the order added. */
    private byte[] bytes;
    private int size;
    /** Per line: where it starts in {@link #bytes} (it ends where the next one added starts), and the next of its family. */
    private int[] starts = new int[256];
    private int[] next = new int[256];
    /** Per line: its {@link Line} and value, for {@link #families()}. */
    private Line[] lineAt = new Line[256];
    private double[] valueAt = new double[256];
    private int lines;
    private int headerBytes;

    public Exposition() {
        this(4096);
    }

    /** @param expectedBytes about how many bytes the samples will take (the last scrape's, say) */
    public Exposition(int expectedBytes) {
        bytes = new byte[Math.max(64, expectedBytes)];
    }

    /** A sample. */
    public Exposition add(Line line, double value) {
        Group g = groups.get(line.family.name);
        int index = lines;
        if (g == null) {
            g = new Group(line.family, index);
            groups.put(line.family.name, g);
            if (families == order.length) {
                order = Arrays.copyOf(order, families * 2);
            }
            order[families++] = g;
            headerBytes += line.family.header.length;
        } else {
            next[g.last] = index;
            g.last = index;
        }
        if (index == starts.length) {
            starts = Arrays.copyOf(starts, index * 2);
            next = Arrays.copyOf(next, index * 2);
            lineAt = Arrays.copyOf(lineAt, index * 2);
            valueAt = Arrays.copyOf(valueAt, index * 2);
        }
        starts[index] = size;
        next[index] = -1;
        lineAt[index] = line;
        valueAt[index] = value;
        lines++;
        byte[] start = line.start;
        ensure(start.length + 32);
        System.arraycopy(start, 0, bytes, size, start.length);
        size += start.length;
        writeValue(value);
        bytes[size++] = '\n';
        return this;
    }

    /** A sample without labels. */
    public Exposition add(String name, String help, Type type, double value) {
        return add(new Family(name, help, type).line(), value);
    }

    /** A sample with one label, e.g. {@code mysql_global_status_commands_total{command="select"}}. */
    public Exposition add(String name, String help, Type type, String labelName, String labelValue, double value) {
        return add(new Family(name, help, type, labelName).line(labelValue), value);
    }

    /**
     * A sample; {@code labelNames} are the family's (fixed by its first sample), {@code labelValues}
     * in the same order.
     */
    public Exposition add(String name, String help, Type type, String[] labelNames, String[] labelValues,
                          double value) {
        return add(new Family(name, help, type, labelNames).line(labelValues), value);
    }

    /** Whether a family of this name has a sample. */
    public boolean has(String name) {
        return groups.containsKey(name);
    }

    /** How many families there are. */
    public int families() {
        return families;
    }

    /** How many bytes the samples take (without the families' headers): the next scrape's expectation. */
    public int sampleBytes() {
        return size;
    }

    /** Every family in the text format, UTF-8. */
    public byte[] toBytes() {
        byte[] out = new byte[headerBytes + size];
        int at = 0;
        for (int f = 0; f < families; f++) {
            Group g = order[f];
            byte[] header = g.family.header;
            System.arraycopy(header, 0, out, at, header.length);
            at += header.length;
            for (int i = g.first; i >= 0; i = next[i]) {
                int from = starts[i];
                int to = i + 1 < lines ? starts[i + 1] : size;
                System.arraycopy(bytes, from, out, at, to - from);
                at += to - from;
            }
        }
        return out;
    }

    /**
     * Every family as a record, in the order of {@link #toBytes()}: what a sink gets of the exporter's
     * names ({@link io.blip.api.sink.ExporterNaming}).
     */
    public List<PromFamily> asFamilies() {
        var out = new ArrayList<PromFamily>(families);
        for (int f = 0; f < families; f++) {
            Group g = order[f];
            var samples = new ArrayList<PromFamily.Sample>();
            for (int i = g.first; i >= 0; i = next[i]) {
                samples.add(new PromFamily.Sample(List.of(lineAt[i].labelValues), valueAt[i]));
            }
            Family family = g.family;
            out.add(new PromFamily(family.name, family.help, PromFamily.Type.valueOf(family.type.name()),
                    List.of(family.labelNames), samples));
        }
        return out;
    }

    @Override
    public String toString() {
        return new String(toBytes(), StandardCharsets.UTF_8);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    /** The largest integer below which every integer is a double: its digits are its shortest form. */
    private static final double EXACT = 0x1p53;

    /** {@link #formatValue}, into {@link #bytes} (room for 32 bytes made already). */
    private void writeValue(double v) {
        if (v == (long) v && Math.abs(v) < EXACT) {
            long n = (long) v;
            if (n > -1_000_000 && n < 1_000_000) {
                writeLong(n);
                return;
            }
            // 1.234567e+06: the digits without trailing zeros, the exponent of at least two digits.
            if (n < 0) {
                bytes[size++] = '-';
                n = -n;
            }
            int exp = 0;
            long mantissa = n;
            while (mantissa % 10 == 0) {
                mantissa /= 10;
                exp++;
            }
            int digits = digits(mantissa);
            exp += digits - 1;
            int first = size;
            writeLong(mantissa);
            if (digits > 1) {
                System.arraycopy(bytes, first + 1, bytes, first + 2, digits - 1);
                bytes[first + 1] = '.';
                size++;
            }
            bytes[size++] = 'e';
            bytes[size++] = '+';
            if (exp < 10) {
                bytes[size++] = '0';
            }
            writeLong(exp);
            return;
        }
        var text = new StringBuilder(24);
        formatValue(v, text);
        for (int i = 0; i < text.length(); i++) {
            bytes[size++] = (byte) text.charAt(i); // ASCII: digits, sign, '.', 'e', "NaN", "Inf"
        }
    }

    private static int digits(long n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }

    /** {@code n}'s decimal digits (room made already). */
    private void writeLong(long n) {
        if (n < 0) {
            bytes[size++] = '-';
            n = -n;
        }
        int end = size + digits(n);
        int at = end;
        do {
            bytes[--at] = (byte) ('0' + n % 10);
            n /= 10;
        } while (n > 0);
        size = end;
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
