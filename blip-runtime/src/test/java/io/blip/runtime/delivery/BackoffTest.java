package io.blip.runtime.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    /** Always the largest value it may give: the cap itself. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @Test
    void theCapDoublesFromInitialUpToMax() {
        var b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), HIGHEST);
        assertEquals(Duration.ofSeconds(1), b.delay(0));
        assertEquals(Duration.ofSeconds(2), b.delay(1));
        assertEquals(Duration.ofSeconds(16), b.delay(4));
        assertEquals(Duration.ofSeconds(30), b.delay(5));
        assertEquals(Duration.ofSeconds(30), b.delay(1000), "no overflow after many retries");
    }

    @Test
    void fullJitterWaitsAnythingFromZeroToTheCap() {
        var b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), new Random(7));
        long least = Long.MAX_VALUE;
        long most = 0;
        for (int i = 0; i < 1000; i++) {
            long d = b.delay(3).toNanos();
            assertTrue(d >= 0 && d <= Duration.ofMillis(800).toNanos(), d + " ns");
            least = Math.min(least, d);
            most = Math.max(most, d);
        }
        assertTrue(least < Duration.ofMillis(80).toNanos(), "some retries come early: " + least);
        assertTrue(most > Duration.ofMillis(720).toNanos(), "some come late: " + most);
    }
}
