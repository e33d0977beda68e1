package io.blip.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.blip.testkit.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The level clock's ticks in virtual time: one a second, none bunched after a pause, none lost when the wall clock goes back. */
class LevelClockTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final long S = START.getEpochSecond();

    private final VirtualTime time = new VirtualTime(START);
    private final BlockingQueue<Long> ticks = new LinkedBlockingQueue<>();
    private LevelClock clock;

    @BeforeEach
    void start() throws InterruptedException {
        clock = new LevelClock(time);
        clock.register(ticks::add);
        time.awaitWaiters(1, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        clock.close();
    }

    /** Moves the time on by {@code d}, and returns the tick it brought, once the clock sleeps again. */
    private Long advance(Duration d) throws InterruptedException {
        time.advance(d);
        time.awaitWaiters(1, Duration.ofSeconds(10));
        return ticks.poll();
    }

    @Test
    void ticksEachWholeSecondOnce() throws InterruptedException {
        assertEquals(S + 1, advance(Duration.ofSeconds(1)));
        assertNull(advance(Duration.ofMillis(500)), "no tick within the second");
        assertEquals(S + 2, advance(Duration.ofMillis(500)));
        assertEquals(S + 3, advance(Duration.ofSeconds(1)));
    }

    @Test
    void aPauseLongerThanASecondSkipsTheSecondsItMissedRatherThanBunchingThem() throws InterruptedException {
        assertEquals(S + 1, advance(Duration.ofSeconds(1)));
        assertEquals(S + 31, advance(Duration.ofSeconds(30)));
        assertNull(ticks.poll(50, TimeUnit.MILLISECONDS), "one tick for the 30 s the clock slept through");
        assertEquals(S + 32, advance(Duration.ofSeconds(1)));
    }

    @Test
    void aWallClockSteppedAheadTicksItsNewSecondAtTheNextWakeUp() throws InterruptedException {
        assertEquals(S + 1, advance(Duration.ofSeconds(1)));
        time.stepWallClock(Duration.ofSeconds(20));
        assertEquals(S + 22, advance(Duration.ofSeconds(1)));
        assertEquals(S + 23, advance(Duration.ofSeconds(1)));
    }

    @Test
    void aWallClockSteppedBackAnHourGoesOnTickingEverySecond() throws InterruptedException {
        assertEquals(S + 1, advance(Duration.ofSeconds(1)));
        time.stepWallClock(Duration.ofHours(-1));
        // Before, the clock slept until the wall clock was back at S + 2: an hour without collections.
        assertEquals(S + 2, advance(Duration.ofSeconds(1)));
        assertEquals(S + 3, advance(Duration.ofSeconds(1)));
        assertNull(advance(Duration.ofMillis(400)));
        assertEquals(S + 4, advance(Duration.ofMillis(600)));
    }
}
