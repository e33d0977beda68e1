package io.blip.runtime.api;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the API's answers as JSON. A library was weighed and left out: what the API writes is
 * maps, lists, strings, numbers and booleans, a few kilobytes at most, so the one part worth care is
 * string escaping (below, RFC 8259 plus Go's escaping of {@code <>&} and U+2028/9, as Blip's
 * {@code encoding/json} does); a JSON jar would add a module to {@code lib/}, the module graph and the
 * AOT cache of a process whose resident memory is budgeted (issue 11), to write these few shapes.
 * Map order is the caller's: a {@code TreeMap} for Go maps (which Go writes sorted), a
 * {@code LinkedHashMap} for Go structs (written in field order).
 */
final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** {@code value} as JSON, with a newline at the end as Go's {@code json.Encoder} writes. */
    static String write(Object value) {
        var out = new StringBuilder(256);
        value(out, value);
        return out.append('\n').toString();
    }

    private static void value(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(out, s);
            case Boolean b -> out.append(b);
            case Double d when !Double.isFinite(d) -> string(out, d.toString()); // JSON has no NaN
            case Float f when !Float.isFinite(f) -> string(out, f.toString());
            case Number n -> out.append(n);
            case Optional<?> o -> value(out, o.orElse(null));
            case Map<?, ?> map -> object(out, map);
            case Collection<?> list -> array(out, list);
            default -> string(out, String.valueOf(value));
        }
    }

    private static void object(StringBuilder out, Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (var e : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, String.valueOf(e.getKey()));
            out.append(':');
            value(out, e.getValue());
        }
        out.append('}');
    }

    private static void array(StringBuilder out, Collection<?> list) {
        out.append('[');
        boolean first = true;
        for (Object item : list) {
            if (!first) {
                out.append(',');
            }
            first = false;
            value(out, item);
        }
        out.append(']');
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
