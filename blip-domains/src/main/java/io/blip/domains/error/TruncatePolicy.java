package io.blip.domains.error;

import io.blip.api.collect.LevelDomain;

import java.util.Locale;

/**
 * A level's policy for the {@code truncate-timeout} error: {@code <report>,<metric>,<retry>} as in
 * any Blip error policy ({@code report|report-once|ignore}, {@code drop|zero}, {@code retry|stop}),
 * default {@code report,drop,retry}. The collector applies it itself, not the engine, because a
 * failed truncation does not make the values read before it wrong: it makes the next collection's
 * wrong, whose interval it lengthened (Blip's {@code errors.TruncateErrorPolicy}).
 *
 * @param report     report every failure
 * @param reportOnce report the first failure only (per prepared plan)
 * @param zero       report the values of a lengthened interval as 0 instead of dropping them
 * @param stop       stop collecting the level after a failure, until the plan is prepared again
 */
record TruncatePolicy(boolean report, boolean reportOnce, boolean zero, boolean stop) {
    static final TruncatePolicy DEFAULT = new TruncatePolicy(true, false, false, false);

    /**
     * The level's policy. The runtime checked the plan's policies at boot; a plan built otherwise is
     * checked here too.
     */
    static TruncatePolicy of(LevelDomain at) {
        String text = at.domain().errors().get(ErrorTable.TRUNCATE_FAILED);
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        boolean report = true;
        boolean once = false;
        boolean zero = false;
        boolean stop = false;
        for (String raw : text.split(",")) {
            switch (raw.strip().toLowerCase(Locale.ROOT)) {
                case "report" -> report = true;
                case "report-once" -> once = true;
                case "ignore" -> report = false;
                case "drop" -> zero = false;
                case "zero" -> zero = true;
                case "retry" -> stop = false;
                case "stop" -> stop = true;
                default -> throw at.error("error policy " + ErrorTable.TRUNCATE_FAILED + "='" + text
                        + "': unknown word '" + raw.strip() + "'; write <report>,<metric>,<retry> with"
                        + " report|report-once|ignore, drop|zero, retry|stop, e.g. report-once,zero,retry");
            }
        }
        return new TruncatePolicy(report && !once, once, zero, stop);
    }

    /** The policy as plans write it. */
    @Override
    public String toString() {
        return (reportOnce ? "report-once" : report ? "report" : "ignore") + "," + (zero ? "zero" : "drop") + ","
                + (stop ? "stop" : "retry");
    }
}
