package io.blip.domains;

import io.blip.api.collect.LevelDomain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A percentile a plan asks a response-time domain for: metric {@code pN}, N a whole number from 1 to
 * 999. One or two digits are a percent ({@code p95} is the 95th percentile, {@code p100} the
 * largest); three digits are tenths of a percent ({@code p999} is the 99.9th, {@code p950} the 95th),
 * as Blip reads them.
 *
 * <p>Blip names the metric it reports by printing the fraction again and trimming zeros from both
 * ends of {@code 50.0}, so {@code p50} comes back as {@code p5} and {@code p10} as {@code p1}; here
 * the metric keeps the name the plan gave. Blip also reads {@code p99.9} and {@code p0.5}; its docs
 * allow only a whole number, and so do we, with the whole-number spelling in the message.
 *
 * @param name     the metric name as the plan wrote it, lowercase, e.g. {@code p999}
 * @param fraction the percentile as a fraction, e.g. {@code 0.999}
 */
public record Percentile(String name, double fraction) {
    private static final Pattern PN = Pattern.compile("p([1-9][0-9]{0,2})");

    /** What the plan's metrics mean; the default when it lists none (Blip's docs: p999). */
    public static List<Percentile> of(LevelDomain at, String whenNone) {
        List<String> metrics = at.metrics().isEmpty() ? List.of(whenNone) : at.metrics();
        var out = new ArrayList<Percentile>();
        for (String metric : metrics) {
            var m = PN.matcher(metric);
            if (!m.matches()) {
                throw at.error("metric '" + metric + "' is not a percentile; write pN with N a whole number from 1"
                        + " to 999: p95 for the 95th percentile, p999 for the 99.9th" + hint(metric));
            }
            String n = m.group(1);
            int value = Integer.parseInt(n);
            double fraction = n.length() == 3 ? value / 1000.0 : value / 100.0;
            out.add(new Percentile(metric, fraction));
        }
        return List.copyOf(out);
    }

    /** The spelling we read for Blip's decimal one, e.g. {@code p99.9} → {@code p999}. */
    private static String hint(String metric) {
        var decimal = Pattern.compile("p([1-9][0-9])\\.([0-9])").matcher(metric);
        if (decimal.matches()) {
            return " (for " + metric + " write p" + decimal.group(1) + decimal.group(2) + ")";
        }
        return "";
    }

    /** The percentile a bucket reached, as Blip's meta gives it: percent with one decimal, e.g. {@code 95.8}. */
    public static String reached(double fraction) {
        return String.format(Locale.ROOT, "%.1f", fraction * 100);
    }
}
