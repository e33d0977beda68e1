package io.blip.domains.queryresponsetime;

import io.blip.api.collect.LevelDomain;

import java.util.Locale;

/**
 * The plan's policy for error {@code truncate-timeout}: {@code <report>,<metric>,<retry>} as for any
 * error (report|report-once|ignore, drop|zero, retry|stop), read by the collector itself because a
 * failed TRUNCATE is not a failed collection: the values read before it are good (Blip's
 * {@code errors.TruncateErrorPolicy}). Only the values read after a failed TRUNCATE span more than one
 * interval; those the metric part drops or zeroes, until a TRUNCATE succeeds again.
 *
 * @param report what to say: report every time, once, or not at all
 * @param zero   true to report zeros for values that span more than one interval, false to drop them
 * @param stop   true to stop collecting the level until the plan is prepared again
 */
record TruncatePolicy(Report report, boolean zero, boolean stop) {
    static final String ERROR = "truncate-timeout";

    enum Report { REPORT, REPORT_ONCE, IGNORE }

    static final TruncatePolicy DEFAULT = new TruncatePolicy(Report.REPORT, false, false);

    private static final String FORMAT = "write <report>,<metric>,<retry> with report = report|report-once|ignore,"
            + " metric = drop|zero, retry = retry|stop (any of the three, in that order), e.g. ignore,drop,retry";

    /** The level's policy, or the default (report,drop,retry) when the plan gives none. */
    static TruncatePolicy of(LevelDomain at) {
        String text = at.domain().errors().get(ERROR);
        if (text == null) {
            return DEFAULT;
        }
        if (text.isBlank()) {
            throw at.error("error policy " + ERROR + " is empty; " + FORMAT);
        }
        Report report = DEFAULT.report;
        boolean zero = DEFAULT.zero;
        boolean stop = DEFAULT.stop;
        int last = -1;
        for (String raw : text.split(",", -1)) {
            String word = raw.strip().toLowerCase(Locale.ROOT);
            int part = switch (word) {
                case "report", "report-once", "ignore" -> {
                    report = Report.valueOf(word.toUpperCase(Locale.ROOT).replace('-', '_'));
                    yield 0;
                }
                case "drop", "zero" -> {
                    zero = word.equals("zero");
                    yield 1;
                }
                case "retry", "stop" -> {
                    stop = word.equals("stop");
                    yield 2;
                }
                default -> throw at.error("error policy " + ERROR + "='" + text + "': unknown word '" + raw.strip()
                        + "'; " + FORMAT);
            };
            if (part <= last) {
                throw at.error("error policy " + ERROR + "='" + text + "': '" + raw.strip()
                        + "' is out of order or repeated; " + FORMAT);
            }
            last = part;
        }
        return new TruncatePolicy(report, zero, stop);
    }

    /** As a plan writes it, e.g. {@code report,drop,retry}. */
    String describe() {
        return report.name().toLowerCase(Locale.ROOT).replace('_', '-') + "," + (zero ? "zero" : "drop") + ","
                + (stop ? "stop" : "retry");
    }
}
