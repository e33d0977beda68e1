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
        time.awaitWaiters(1, Duration.ofSeconds(10));
    }

    /** Registers the ticker and waits until the clock sleeps again (an idle clock wakes for it). */
    private void register() throws InterruptedException {
        clock.register(ticks::add);
        time.awaitWaiterDueWithin(Duration.ofSeconds(1), Duration.ofSeconds(10));
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
        register();
        assertEquals(S + 1, advance(Duration.ofSeconds(1)));
        assertNull(advance(Duration.ofMillis(500)), "no tick within the second");
        assertEquals(S + 2, advance(Duration.ofMillis(500)));
        assertEquals(S + 3, advance(Duration.ofSeconds(1)));
    }

    @Test
    void aPauseLongerThanASecondSkipsTheSecondsItMissedRatherThanBunchingThem() throws InterruptedException {
        register();
        assertEquals(S + 1, advance(Duration.ofSeconds(1)));
        assertEquals(S + 31, advance(Duration.ofSeconds(30)));
        assertNull(ticks.poll(50, TimeUnit.MILLISECONDS), "one tick for the 30 s the clock slept through");
        assertEquals(S + 32, advance(Duration.ofSeconds(1)));
    }

    @Test
    void aWallClockSteppedAheadTicksItsNewSecondAtTheNextWakeUp() throws InterruptedException {
        register();
        assertEquals(S + 1, advance(Duration.ofSeconds(1)));
        time.stepWallClock(Duration.ofSeconds(20));
        assertEquals(S + 22, advance(Duration.ofSeconds(1)));
        assertEquals(S + 23, advance(Duration.ofSeconds(1)));
    }

    @Test
    void aWallClockSteppedBackAnHourGoesOnTickingEverySecond() throws InterruptedException {
        register();
        assertEquals(S + 1, advance(Duration.ofSeconds(1)));
        time.stepWallClock(Duration.ofHours(-1));
        // Before, the clock slept until the wall clock was back at S + 2: an hour without collections.
        assertEquals(S + 2, advance(Duration.ofSeconds(1)));
        assertEquals(S + 3, advance(Duration.ofSeconds(1)));
        assertNull(advance(Duration.ofMillis(400)));
        assertEquals(S + 4, advance(Duration.ofMillis(600)));
    }

    @Test
    void withNothingToTickTheClockSleepsUntilAMonitorRegistersAndTicksItsSecondAtOnce() throws InterruptedException {
        assertNull(advance(Duration.ofMillis(2500)));
        clock.register(ticks::add);
        // Without advancing the time: the idle clock woke for the ticker (a clock that woke each
        // second would tick S + 3 only once the time reached it).
        assertEquals(S + 2, ticks.poll(10, TimeUnit.SECONDS));
        time.awaitWaiterDueWithin(Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertEquals(S + 3, advance(Duration.ofMillis(500)));
    }

    @Test
    void withOnlyATickerOfFiveSecondsTheClockWakesEveryFifthSecondUntilAPerSecondOneComes()
            throws InterruptedException {
        BlockingQueue<Long> keeper = new LinkedBlockingQueue<>();
        clock.register(new LevelClock.Ticker() {
            @Override
            public void tick(long epochSecond) {
                keeper.add(epochSecond);
            }

            @Override
            public int everySeconds() {
                return 5;
            }
        });
        time.awaitWaiterDueWithin(Duration.ofSeconds(5), Duration.ofSeconds(10));
        for (int i = 1; i <= 4; i++) {
            time.advance(Duration.ofSeconds(1));
            assertEquals(1, time.waiters(), "asleep at second " + i + ": not woken");
            assertNull(keeper.poll(20, TimeUnit.MILLISECONDS), "not ticked at second " + i);
        }
        time.advance(Duration.ofSeconds(1));
        assertEquals(S + 5, keeper.poll(10, TimeUnit.SECONDS));
        time.awaitWaiters(1, Duration.ofSeconds(10));
        register(); // a monitor: the clock sleeps a second at most again
        assertEquals(S + 6, advance(Duration.ofSeconds(1)));
        assertEquals(S + 6, keeper.poll(10, TimeUnit.SECONDS), "told the other seconds too");
    }
}
