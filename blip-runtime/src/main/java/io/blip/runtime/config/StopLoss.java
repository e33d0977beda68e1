package io.blip.runtime.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code monitor-loader.stop-loss}: how many of the loaded monitors a reload may stop, so that a
 * monitor file emptied by mistake or a loader that found nothing does not stop them all. {@code N}
 * allows N monitors, {@code N%} N percent of those loaded; empty (or 0) allows any number. (Blip
 * documents this meaning; its own check compares a count with a fraction and does not enforce it.)
 *
 * @param limit   the number, or the percentage
 * @param percent whether the limit is a percentage
 */
public record StopLoss(int limit, boolean percent) {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)(%?)");
    public static final StopLoss NONE = new StopLoss(0, false);

    /** What is wrong with a config value: {@code N} or {@code N%} (below 100%), or empty; null when nothing. */
    static String problem(String value) {
        Matcher m = FORMAT.matcher(value);
        if (value.isEmpty()) {
            return null;
        }
        if (!m.matches()) {
            return "'" + value + "' is not a stop-loss; write a number of monitors (5) or a percentage (50%)";
        }
        return !m.group(2).isEmpty() && (m.group(1).length() > 2 || Integer.parseInt(m.group(1)) >= 100)
                ? "'" + value + "': a percentage stop-loss must be below 100%"
                : null;
    }

    /** The stop-loss of a config value the config loader has checked. */
    public static StopLoss parse(String value) {
        Matcher m = FORMAT.matcher(value == null ? "" : value.strip());
        if (!m.matches()) {
            return NONE;
        }
        return new StopLoss(Integer.parseInt(m.group(1)), !m.group(2).isEmpty());
    }

    /** Whether stopping {@code removed} of the {@code loaded} monitors is more than allowed. */
    public boolean refuses(int removed, int loaded) {
        if (limit == 0 || removed == 0) {
            return false;
        }
        return percent ? (long) removed * 100 > (long) limit * loaded : removed > limit;
    }

    @Override
    public String toString() {
        return limit + (percent ? "%" : "");
    }
}
