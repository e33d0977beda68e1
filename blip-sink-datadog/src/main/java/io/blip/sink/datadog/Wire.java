package io.blip.sink.datadog;

import io.blip.api.sink.JsonString;
import io.blip.sink.datadog.Points.Point;

import java.math.BigDecimal;

/**
 * Points as Datadog reads them: a series of the API's v2 JSON, and a DogStatsD line.
 */
final class Wire {
    /** The API's {@code MetricIntakeType}: count and gauge. */
    static final int COUNT = 1;
    static final int GAUGE = 3;

    private Wire() {
    }

    /**
     * One series of {@code POST /api/v2/series}:
     * {@code {"metric":..,"type":1|3,"points":[{"timestamp":..,"value":..}],"tags":[..],"resources":[{"name":host,"type":"host"}]}}.
     *
     * @param host the host resource; null for none
     */
    static String series(Point p, String host) {
        var b = new StringBuilder(96 + p.metric().length() + 24 * p.tags().size());
        b.append("{\"metric\":");
        JsonString.append(b, p.metric());
        b.append(",\"type\":").append(p.count() ? COUNT : GAUGE);
        b.append(",\"points\":[{\"timestamp\":").append(p.timestamp()).append(",\"value\":");
        number(b, p.value());
        b.append("}]");
        if (!p.tags().isEmpty()) {
            b.append(",\"tags\":[");
            for (int i = 0; i < p.tags().size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                JsonString.append(b, p.tags().get(i));
            }
            b.append(']');
        }
        if (host != null) {
            b.append(",\"resources\":[{\"name\":");
            JsonString.append(b, host);
            b.append(",\"type\":\"host\"}]");
        }
        return b.append('}').toString();
    }

    /**
     * One DogStatsD line: {@code <metric>:<value>|c|#tag,tag} or {@code |g}. Characters that end a
     * field ({@code :|@#,} and newlines) are replaced by {@code _} where they would end one.
     */
    static String statsd(Point p) {
        var b = new StringBuilder(32 + p.metric().length() + 24 * p.tags().size());
        b.append(p.metric().replaceAll("[:|@#,\\s]", "_")).append(':').append(plain(p.value()))
                .append(p.count() ? "|c" : "|g");
        for (int i = 0; i < p.tags().size(); i++) {
            b.append(i == 0 ? "|#" : ",").append(p.tags().get(i).replaceAll("[|,\\s]", "_"));
        }
        return b.toString();
    }

    /** A JSON number: whole values without a fraction. */
    private static void number(StringBuilder b, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            b.append((long) v);
        } else {
            b.append(v);
        }
    }

    /** A number as StatsD parsers read it: no exponent. */
    private static String plain(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
