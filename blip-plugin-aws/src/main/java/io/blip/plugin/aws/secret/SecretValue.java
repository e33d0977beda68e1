package io.blip.plugin.aws.secret;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import java.util.Map;

/**
 * Reads the MySQL password out of a secret value: a JSON object whose {@code password} key holds a
 * non-empty string. Other keys (the {@code username}, {@code host}, ... that RDS puts in its
 * secrets) are ignored, as Blip does. Every error names the secret and the problem, never the
 * value.
 */
final class SecretValue {
    static final String PASSWORD_KEY = "password";
    private static final String SHAPE = "it must be a JSON object with a string \"password\" key, "
            + "like {\"password\": \"...\"}";

    private SecretValue() {
    }

    /** The password in {@code secretString}, the value of secret {@code secretId}. */
    static Secret password(String secretId, String secretString) {
        Object json;
        try {
            json = SecretJson.parse(secretString);
        } catch (SecretJson.Invalid e) {
            // The parser's message holds a position only; no cause, so no stack trace shows the text.
            throw problem(secretId, "the value is not JSON (" + e.getMessage() + "); " + SHAPE);
        }
        if (json == SecretJson.NULL) {
            throw problem(secretId, "the value is JSON null; " + SHAPE);
        }
        if (!(json instanceof Map<?, ?> map)) {
            throw problem(secretId, "the value is a JSON " + SecretJson.kind(json) + ", not an object; " + SHAPE);
        }
        if (!map.containsKey(PASSWORD_KEY)) {
            boolean otherCase = map.keySet().stream().anyMatch(k -> PASSWORD_KEY.equalsIgnoreCase((String) k));
            throw problem(secretId, "the JSON object has no \"password\" key"
                    + (otherCase ? " (keys are case-sensitive: write it in lower case)" : "") + "; " + SHAPE);
        }
        Object password = map.get(PASSWORD_KEY);
        if (!(password instanceof String text)) {
            String held = password == SecretJson.NULL ? "null" : "a JSON " + SecretJson.kind(password);
            throw problem(secretId, "the \"password\" key holds " + held + ", not a string; " + SHAPE);
        }
        if (text.isEmpty()) {
            throw problem(secretId, "the \"password\" key holds an empty string");
        }
        return Secret.of(text);
    }

    /** An error about secret {@code secretId}. */
    static BlipException problem(String secretId, String what) {
        return new BlipException(prefix(secretId) + what);
    }

    static String prefix(String secretId) {
        return "Secrets Manager secret " + secretId + ": ";
    }
}
