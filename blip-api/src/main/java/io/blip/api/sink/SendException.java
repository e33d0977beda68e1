package io.blip.api.sink;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a {@link Sink#send} failed, when the sink can tell whether trying again may help. Any other
 * exception counts as a failure that may pass, as {@link #retry} does. Messages never hold a secret.
 */
public final class SendException extends Exception {
    private final boolean retryable;
    private final String kind;
    private final Duration retryAfter;

    private SendException(String message, boolean retryable, String kind, Duration retryAfter) {
        super(message);
        this.retryable = retryable;
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    /**
     * The receiver may take the batch later (no answer, 429, 503, ...); the runtime sends it again after
     * its backoff, or after {@code retryAfter} when the receiver asked for longer (null: no wish).
     */
    public static SendException retry(String why, Duration retryAfter) {
        return new SendException(why, true, "", retryAfter);
    }

    /**
     * The receiver will never take the batch (400, 401, 413, ...): the runtime drops it, counts its
     * collections as rejected, and logs each {@code kind} of rejection (e.g. {@code HTTP 400}) once.
     */
    public static SendException reject(String kind, String why) {
        return new SendException(why, false, Objects.requireNonNull(kind, "kind"), null);
    }

    public boolean retryable() {
        return retryable;
    }

    /** For a rejection: what kind it is, to log each kind once. */
    public String kind() {
        return kind;
    }

    /** How long the receiver asked to wait before the next try, if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
