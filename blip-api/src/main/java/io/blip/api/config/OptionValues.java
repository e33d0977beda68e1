package io.blip.api.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How option values are written and checked: one place for every type's parsing and messages. */
final class OptionValues {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]i?B|B)?", Pattern.CASE_INSENSITIVE);

    private OptionValues() {
    }

    /** The value quoted for a message, or {@code '...'} for a secret. */
    static String quote(Option option, String value) {
        return option.secret() ? "'...'" : "'" + value + "'";
    }

    /**
     * Why a single written value is not valid for the option (type, allowed values, least value,
     * pattern), or null. Lists and maps are checked item by item by their callers.
     */
    static String check(Option o, String text) {
        String v = text.trim();
        String typeProblem = switch (o.type()) {
            case BOOLEAN -> bool(v) == null ? quote(o, text) + " is not a boolean; use true or false (or yes/no, on/off, 1/0)"
                    : null;
            case INTEGER -> integer(v) == null ? quote(o, text) + " is not a whole number" : null;
            case DURATION -> Durations.tryParse(v) == null
                    ? quote(o, text) + " is not a duration; write it like 5s, 250ms, 1m30s or 1h" : null;
            case SIZE -> size(v) < 0 ? quote(o, text) + " is not a size; write bytes like 1048576, 512KiB, 64MiB or 1GiB"
                    : null;
            case STRING, PATH, LIST, MAP, SECTION -> null;
        };
        if (typeProblem != null) {
            return typeProblem;
        }
        if (!o.allows(v)) {
            return quote(o, text) + " is not allowed; use one of: " + String.join(", ", o.values().keySet());
        }
        if (o.pattern() != null && !o.pattern().matcher(v).matches()) {
            return quote(o, text) + " " + o.patternHelp();
        }
        if (!o.min().isEmpty() && compare(o.type(), v, o.min()) < 0) {
            return o.type() == Option.Type.DURATION && Durations.tryParse(o.min()).equals(Duration.ofNanos(1))
                    ? "must be more than 0"
                    : "must be at least " + o.min();
        }
        return null;
    }

    private static int compare(Option.Type type, String a, String b) {
        return switch (type) {
            case INTEGER -> Long.compare(integer(a), integer(b));
            case DURATION -> Durations.tryParse(a).compareTo(Durations.tryParse(b));
            case SIZE -> Long.compare(size(a), size(b));
            default -> 0;
        };
    }

    /** The typed value of a checked single value: Boolean, Long, Duration, Long (bytes) or the text. */
    static Object typed(Option.Type type, String text) {
        String v = text.trim();
        return switch (type) {
            case BOOLEAN -> bool(v);
            case INTEGER -> integer(v);
            case DURATION -> Durations.tryParse(v);
            case SIZE -> size(v);
            default -> v;
        };
    }

    static Boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> Boolean.TRUE;
            case "false", "no", "off", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    static Long integer(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Bytes, with KiB/MiB/GiB (powers of 1024) or KB/MB/GB (powers of 1000); -1 when not a size. */
    static long size(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long scale = switch (unit) {
            case "KB" -> 1000L;
            case "KIB" -> 1L << 10;
            case "MB" -> 1000L * 1000;
            case "MIB" -> 1L << 20;
            case "GB" -> 1000L * 1000 * 1000;
            case "GIB" -> 1L << 30;
            default -> 1L;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), scale);
        } catch (ArithmeticException | NumberFormatException e) {
            return -1;
        }
    }

    /** A single value as a list: its comma-separated parts, trimmed, empty ones left out. */
    static List<String> split(String text) {
        var out = new ArrayList<String>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /**
     * {@code key=value,key2=value2} with URL-encoded values, as the OpenTelemetry variables write
     * headers and resource attributes. Problems name the entry by number, and show it only when
     * the option is not a secret.
     */
    static Map<String, String> keyValues(Option option, String text, List<String> problems) {
        var out = new LinkedHashMap<String, String>();
        int n = 0;
        for (String entry : text.split(",")) {
            n++;
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || entry.substring(0, eq).isBlank()) {
                problems.add("entry " + n + (option.secret() ? "" : " '" + entry.trim() + "'") + " is not key=value");
                continue;
            }
            out.put(entry.substring(0, eq).trim(), URLDecoder.decode(entry.substring(eq + 1).trim(),
                    StandardCharsets.UTF_8));
        }
        return out;
    }
}
