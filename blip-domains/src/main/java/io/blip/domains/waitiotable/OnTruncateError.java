package io.blip.domains.waitiotable;

import io.blip.api.collect.LevelDomain;

import java.util.Locale;

/**
 * The plan's {@code truncate-timeout} error policy. The runtime applies a policy to an error a collect
 * throws; a failed truncate is not thrown, because the values read before it are good and are
 * reported, so the collector applies this policy itself (as Blip's {@code TruncateErrorPolicy} does).
 *
 * @param report     {@code report}, {@code report-once} or {@code ignore}
 * @param zero       after a failed truncate, report zeros (true) or nothing (false) until one succeeds
 * @param stop       stop collecting the domain until the plan is prepared again
 * @param text       the policy as the plan wrote it, or Blip's default, for messages
 */
record OnTruncateError(String report, boolean zero, boolean stop, String text) {
    static final String DEFAULT = "report,drop,retry";

    /** The level's policy: what its plan says, or {@value #DEFAULT}. */
    static OnTruncateError of(LevelDomain at) {
        String text = at.domain().errors().getOrDefault(WaitIoTableFactory.TRUNCATE_TIMEOUT, "");
        if (text.isBlank()) {
            text = DEFAULT;
        }
        String report = "report";
        boolean zero = false;
        boolean stop = false;
        for (String raw : text.split(",", -1)) {
            String word = raw.strip().toLowerCase(Locale.ROOT);
            switch (word) {
                case "report", "report-once", "ignore" -> report = word;
                case "drop", "zero" -> zero = word.equals("zero");
                case "retry", "stop" -> stop = word.equals("stop");
                default -> throw at.error("error policy " + WaitIoTableFactory.TRUNCATE_TIMEOUT + "='" + text
                        + "': unknown word '" + raw.strip() + "'; write <report>,<metric>,<retry> with report ="
                        + " report|report-once|ignore, metric = drop|zero, retry = retry|stop, e.g. " + DEFAULT);
            }
        }
        return new OnTruncateError(report, zero, stop, text);
    }
}
