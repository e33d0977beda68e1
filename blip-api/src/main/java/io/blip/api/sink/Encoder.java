package io.blip.api.sink;

import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;

/**
 * Encodes one monitor's collections for a {@link Sink}. Calls for one monitor never overlap and come
 * in interval order, so an encoder may keep per-series state (previous values, start times). It runs
 * on the monitor's own thread, never on the sink's.
 *
 * @param <T> one collection as the sink encodes it
 */
public interface Encoder<T> {

    /** One collection as the sink sends it; null when there is nothing to send. */
    Encoded<T> encode(Metrics metrics);

    /**
     * Blip's own view of the monitor (up, collections, errors, every sink's counts), after every
     * collection and every failed attempt to connect; null (the default) not to send it. Only the
     * latest waits while the sink is behind.
     */
    default Encoded<T> encode(MonitorHealth health) {
        return null;
    }

    /** One encoded collection, with what the runtime needs to batch and budget it. */
    record Encoded<T>(T value, int points, long bytes) {
        public Encoded {
            java.util.Objects.requireNonNull(value, "value");
            if (points < 0 || bytes < 0) {
                throw new IllegalArgumentException("points and bytes are not negative");
            }
        }
    }
}
