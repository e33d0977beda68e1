package io.blip.api.plan;

import io.blip.api.BlipException;

import java.util.Locale;
import java.util.Objects;

/**
 * What a collector does when MySQL returns an error the domain declares (Blip's
 * {@code errors/policy.go}): {@code <report>,<metric>,<retry>}, e.g. {@code ignore,drop,retry}.
 *
 * @param report whether to report the error
 * @param metric what happens to the metric
 * @param retry  whether to keep collecting it
 */
public record ErrorPolicy(Report report, MetricAction metric, RetryAction retry) {

    /** Blip's default: report the error, drop the metric, keep trying. */
    public static final ErrorPolicy DEFAULT = new ErrorPolicy(Report.REPORT, MetricAction.DROP, RetryAction.RETRY);

    public enum Report { REPORT, REPORT_ONCE, IGNORE }

    public enum MetricAction { DROP, ZERO }

    public enum RetryAction { RETRY, STOP }

    public ErrorPolicy {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(retry, "retry");
    }

    /**
     * Parses a policy: any of the three parts, comma-separated, in the order report, metric,
     * retry; a part left out keeps its default ({@code zero} alone means {@code report,zero,retry}).
     * Blip ignores unknown words and any order; a typo there silently becomes the default, so we
     * refuse it.
     *
     * @param path where the policy is written, for the message
     * @throws BlipException naming what is wrong
     */
    public static ErrorPolicy parse(String path, String text) {
        Report report = DEFAULT.report;
        MetricAction metric = DEFAULT.metric;
        RetryAction retry = DEFAULT.retry;
        if (text == null || text.isBlank()) {
            throw new BlipException(path + ": the error policy is empty; " + FORMAT);
        }
        int last = -1;
        for (String raw : text.split(",", -1)) {
            String word = raw.strip().toLowerCase(Locale.ROOT);
            int part;
            switch (word) {
                case "report", "report-once", "ignore" -> {
                    part = 0;
                    report = Report.valueOf(enumName(word));
                }
                case "drop", "zero" -> {
                    part = 1;
                    metric = MetricAction.valueOf(enumName(word));
                }
                case "retry", "stop" -> {
                    part = 2;
                    retry = RetryAction.valueOf(enumName(word));
                }
                default -> throw new BlipException(path + ": '" + text + "' is not an error policy: unknown word '"
                        + raw.strip() + "'; " + FORMAT);
            }
            if (part <= last) {
                throw new BlipException(path + ": '" + text + "' is not an error policy: '" + raw.strip()
                        + "' is out of order or repeated; " + FORMAT);
            }
            last = part;
        }
        return new ErrorPolicy(report, metric, retry);
    }

    private static final String FORMAT = "write <report>,<metric>,<retry> with report = report|report-once|ignore,"
            + " metric = drop|zero, retry = retry|stop (any of the three, in that order), e.g. ignore,drop,retry";

    private static String enumName(String word) {
        return word.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** {@code report,drop,retry}: the form plans use. */
    @Override
    public String toString() {
        return word(report) + "," + word(metric) + "," + word(retry);
    }

    private static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
