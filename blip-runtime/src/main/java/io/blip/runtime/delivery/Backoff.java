package io.blip.runtime.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * before retry {@code n} (from 0) wait a uniformly random time in {@code [0, min(max, initial * 2^n)]}.
 * Full jitter spreads the retries of many Blips that lost the same collector at the same moment.
 *
 * @param initial the cap of the first wait
 * @param max     the cap of every wait
 * @param random  where the jitter comes from; a fixed one in tests
 */
record Backoff(Duration initial, Duration max, RandomGenerator random) {

    Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(random, "random");
    }

    /** The most retry {@code attempt} (from 0) may wait. */
    long capNanos(int attempt) {
        long cap = initial.toNanos();
        long most = max.toNanos();
        for (int i = 0; i < attempt && cap < most; i++) {
            cap = cap > most / 2 ? most : cap * 2;
        }
        return Math.min(cap, most);
    }

    /** How long to wait before retry {@code attempt} (from 0). */
    Duration delay(int attempt) {
        long cap = capNanos(attempt);
        return Duration.ofNanos(cap <= 0 ? 0 : random.nextLong(cap + 1));
    }
}
