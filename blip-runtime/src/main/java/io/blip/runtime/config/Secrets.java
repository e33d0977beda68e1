package io.blip.runtime.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Which config values are secrets, and how they print. */
public final class Secrets {
    /** What a secret prints as, in Blip's style (its redacted DSNs use {@code ...} too). */
    public static final String MASK = "...";

    private static final List<String> SECRET_WORDS =
            List.of("password", "secret", "token", "api-key", "apikey", "key-auth", "auth-token", "headers");
    private static final Pattern URL_USER_INFO = Pattern.compile("(://)[^/@\\s]+@");

    private Secrets() {
    }

    /** Whether a key (e.g. {@code password}, {@code api-key}, {@code auth-token}) names a secret. */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace('_', '-');
        return SECRET_WORDS.stream().anyMatch(k::contains);
    }

    /** A URL with its user info ({@code user:password@}) masked. */
    public static String maskUrl(String url) {
        return URL_USER_INFO.matcher(url).replaceAll("$1" + MASK + "@");
    }
}
