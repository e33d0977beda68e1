package io.blip.api;

import java.util.Objects;

/**
 * A password, token or API key. It prints as {@code [REDACTED]} everywhere (toString, logs,
 * exceptions, config dumps); only {@link #reveal()} returns the value, at the place that uses it.
 */
public final class Secret {
    public static final String REDACTED = "[REDACTED]";
    private static final Secret EMPTY = new Secret("");

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? EMPTY : new Secret(value);
    }

    public static Secret empty() {
        return EMPTY;
    }

    /** The secret value. Call it only where the value is sent to its one consumer. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && java.security.MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                other.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return isEmpty() ? "" : REDACTED;
    }
}
