package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapKeeperTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long MIB = 1L << 20;

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-12-04T12:00:00Z"));
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong used = new AtomicLong();
    private final AtomicInteger collections = new AtomicInteger();
    private final Semaphore collected = new Semaphore(0);

    /** A full collection that leaves {@code live} in use and commits 1.4 times that, as the serial collector does. */
    private HeapKeeper keeper(int monitors, long live) {
        return new HeapKeeper(monitors, time, committed::get, used::get, () -> {
            used.set(live);
            committed.set((long) (live * 1.4));
            collections.incrementAndGet();
            collected.release();
        });
    }

    @Test
    void firstBudgetComesFromTheNumberOfMonitors() {
        assertEquals(HeapKeeper.FLOOR + 1000 * HeapKeeper.PER_MONITOR, keeper(1000, 0).budget());
        assertEquals(HeapKeeper.FLOOR + HeapKeeper.PER_MONITOR, keeper(1, 0).budget());
    }

    @Test
    void collectsHalfASecondPastTheTickWhenTheHeapIsOverItsBudgetThenFollowsWhatWasLeft() throws Exception {
        HeapKeeper k = started(keeper(1000, 100 * MIB));
        committed.set(k.budget() + 1);
        k.tick(100);
        time.awaitWaiters(1, WAIT);
        time.advance(Duration.ofMillis(499));
        assertEquals(0, collections.get(), "not at the whole second, when collections start");
        time.advance(Duration.ofMillis(1));
        awaitCollections(1);
        // The keeper sets the budget just after the collection returns, on its own thread.
        long expected = (long) (100 * MIB * HeapKeeper.HEADROOM);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (k.budget() != expected && System.nanoTime() - deadline < 0) {
            Thread.yield();
        }
        assertEquals(expected, k.budget());
    }

    @Test
    void leavesAHeapWithinItsBudgetAlone() {
        HeapKeeper k = started(keeper(10, 5 * MIB));
        committed.set(k.budget());
        k.tick(100);
        assertEquals(0, time.waiters());
        assertEquals(0, collections.get());
    }

    @Test
    void looksOnlyEveryFiveSeconds() throws Exception {
        HeapKeeper k = started(keeper(1, 5 * MIB));
        committed.set(k.budget());
        k.tick(100); // within budget: the next look is at 105
        committed.set(k.budget() + 1);
        k.tick(104);
        assertEquals(0, time.waiters());
        k.tick(105);
        time.awaitWaiters(1, WAIT);
        time.advance(Duration.ofMillis(500));
        awaitCollections(1);
    }

    @Test
    void leavesTheStartAlone() throws Exception {
        HeapKeeper k = keeper(1000, 100 * MIB);
        committed.set(k.budget() * 2);
        k.tick(100); // the first tick
        k.tick(129);
        assertEquals(0, time.waiters(), "no look in the first 30 s");
        k.tick(130);
        time.awaitWaiters(1, WAIT); // a look at 30 s: over budget, it waits to collect past the tick
        time.advance(Duration.ofMillis(500));
        awaitCollections(1);
    }

    @Test
    void neverBudgetsBelowTheFloor() {
        HeapKeeper k = keeper(1, MIB);
        k.keep();
        assertEquals(HeapKeeper.FLOOR, k.budget());
    }

    @Test
    void isOffUnlessBinBlipTurnedItOn() {
        assertNull(System.getProperty(HeapKeeper.PROPERTY));
        assertNull(HeapKeeper.forThisJvm(1, time));
    }

    /** A keeper past its quiet start: its first tick was 30 s before second 100. */
    private static HeapKeeper started(HeapKeeper k) {
        k.tick(100 - HeapKeeper.QUIET_AT_START.toSeconds());
        return k;
    }

    /** Waits (in real time: the keeper collects on a thread of its own) for the n-th collection. */
    private void awaitCollections(int n) throws InterruptedException {
        assertTrue(collected.tryAcquire(n, WAIT.toMillis(), TimeUnit.MILLISECONDS), "collections: " + collections);
    }
}
