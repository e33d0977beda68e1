package io.blip.runtime.config;

import io.blip.api.BlipException;
import io.blip.api.config.Durations;
import io.blip.api.config.MonitorConfig;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blip's interpolation of config and plan values: {@code ${ENV}}, {@code ${ENV:-default}} and
 * {@code %{monitor.X}} ({@code docs/content/config/interpolation.md}).
 */
public final class Interpolation {
    /*
     * Blip's regex allows only [\w_.-] in a default, so `${URL:-http://x}` stays literal; its docs
     * only say a default is "a literal value (it cannot be another ${})", which is what we allow.
     */
    private static final Pattern ENV = Pattern.compile("\\$\\{([\\w.-]+)(?::-([^}$]*))?}");
    private static final Pattern MONITOR = Pattern.compile("%\\{monitor\\.([\\w.-]+)}");

    /** The monitor fields {@code %{monitor.X}} can name. */
    public static final List<String> MONITOR_FIELDS = List.of("id", "hostname", "socket", "mycnf", "username",
            "password", "password-file", "timeout-connect", "tags.<key>", "meta.<key>");

    private Interpolation() {
    }

    /**
     * Replaces every {@code ${NAME}} and {@code ${NAME:-default}} (Blip replaces only the first, and
     * a default replaces the whole value: both bugs). As in Blip and the shell's {@code :-}, the
     * default is used when the variable is unset or empty; an unset variable without a default
     * becomes the empty string, and {@code unset} is told its name so the caller can log it.
     */
    public static String env(String text, Map<String, String> env, Consumer<String> unset) {
        if (text == null || !text.contains("${")) {
            return text;
        }
        return ENV.matcher(text).replaceAll(m -> {
            String value = env.getOrDefault(m.group(1), "");
            if (value.isEmpty() && m.group(2) != null) {
                value = m.group(2);
            } else if (value.isEmpty()) {
                unset.accept(m.group(1));
            }
            return Matcher.quoteReplacement(value);
        });
    }

    /**
     * Replaces every {@code %{monitor.X}} with the monitor's field X, as {@code fields} gives it by
     * its canonical name ({@code id}, {@code hostname}, ..., {@code tags.env}, {@code meta.region}).
     *
     * @throws BlipException for an unknown field
     */
    public static String monitor(String text, UnaryOperator<String> fields) {
        if (text == null || !text.contains("%{monitor.")) {
            return text;
        }
        return MONITOR.matcher(text).replaceAll(m -> Matcher.quoteReplacement(fields.apply(canonical(m.group(1)))));
    }

    /** Whether the text holds a variable ({@code ${ENV}} or {@code %{monitor.x}}) yet to be filled in. */
    public static boolean hasVariable(String text) {
        return text != null && (ENV.matcher(text).find() || MONITOR.matcher(text).find());
    }

    /**
     * The canonical field name; Blip matches field names in any case and accepts {@code monitorId}
     * and {@code monitor-id} for {@code id}.
     */
    static String canonical(String field) {
        String lower = field.toLowerCase(Locale.ROOT);
        if (field.startsWith("tags.") || field.startsWith("meta.")) {
            return field;
        }
        return switch (lower) {
            case "id", "monitorid", "monitor-id" -> "id";
            case "hostname", "socket", "mycnf", "username", "password", "password-file", "timeout-connect" -> lower;
            default -> throw new BlipException("unknown monitor variable %{monitor." + field + "}; use one of "
                    + String.join(", ", MONITOR_FIELDS.stream().map(f -> "%{monitor." + f + "}").toList()));
        };
    }

    /** The fields of a final monitor, for interpolating plans. */
    public static UnaryOperator<String> fieldsOf(MonitorConfig m) {
        return field -> switch (field) {
            case "id" -> m.id();
            case "hostname" -> m.mysql().hostname();
            case "socket" -> m.mysql().socket();
            case "mycnf" -> m.mysql().mycnf();
            case "username" -> m.mysql().username();
            case "password" -> m.mysql().password().reveal();
            case "password-file" -> m.mysql().passwordFile();
            case "timeout-connect" -> Durations.format(m.mysql().timeoutConnect());
            default -> field.startsWith("tags.")
                    ? m.tags().getOrDefault(field.substring(5), "")
                    : m.meta().getOrDefault(field.substring(5), "");
        };
    }
}
