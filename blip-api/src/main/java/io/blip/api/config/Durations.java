package io.blip.api.config;

import io.blip.api.BlipException;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as Blip (Go) writes them: {@code 5s}, {@code 1m30s}, {@code 250ms}, {@code 1h}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private Durations() {
    }

    /**
     * Parses a Go duration string.
     *
     * @param path where the value is, for the error message
     * @param text the value
     */
    public static Duration parse(String path, String text) {
        Duration d = tryParse(text);
        if (d == null) {
            throw new BlipException(path + ": '" + text + "' is not a duration; write it like 5s, 250ms, 1m30s or 1h");
        }
        return d;
    }

    /** A Go duration string as a duration; null when it is not one. */
    public static Duration tryParse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        long nanos = 0;
        while (at < s.length() && m.find(at) && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += Math.round(n * unit);
            at = m.end();
        }
        return s.isEmpty() || at != s.length() ? null : Duration.ofNanos(nanos);
    }

    /** Formats a duration the way Blip writes it: {@code 5s}, {@code 15m}, {@code 1m30s}, {@code 250ms}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toNanosPart() != 0 && d.toSeconds() == 0) {
            return d.toMillis() + "ms";
        }
        var sb = new StringBuilder();
        long h = d.toHours();
        int m = d.toMinutesPart();
        int sec = d.toSecondsPart();
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (sec > 0 || sb.isEmpty()) {
            sb.append(sec);
            if (d.toMillisPart() > 0) {
                sb.append('.').append(String.format("%03d", d.toMillisPart()).replaceAll("0+$", ""));
            }
            sb.append('s');
        }
        return sb.toString();
    }
}
