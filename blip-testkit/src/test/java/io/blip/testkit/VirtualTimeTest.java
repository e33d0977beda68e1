package io.blip.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.time.Time;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VirtualTimeTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration REAL = Duration.ofSeconds(10);

    private final VirtualTime time = new VirtualTime(START);

    /** Runs {@code body} on a thread of its own; the future ends with it. */
    private static CompletableFuture<Void> thread(Interruptible body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    private interface Interruptible {
        void run() throws Exception;
    }

    @Test
    void wallAndMonotonicTimeMoveTogetherAndOnlyWhenAdvanced() {
        long nanos = time.nanoTime();
        assertEquals(START, time.now());
        assertEquals(START, time.clock().instant());
        assertEquals(ZoneOffset.UTC, time.clock().getZone());

        time.advance(Duration.ofMillis(1500));

        assertEquals(START.plusMillis(1500), time.now());
        assertEquals(START.plusMillis(1500), time.clock().instant());
        assertEquals(START.plusMillis(1500), time.clock().withZone(ZoneOffset.ofHours(2)).instant());
        assertEquals(Duration.ofMillis(1500).toNanos(), time.nanoTime() - nanos);
        assertThrows(IllegalArgumentException.class, () -> time.advance(Duration.ofMillis(-1)));
    }

    @Test
    void aSleeperWakesWhenAnAdvancePassesItsDeadlineAndNotBefore() throws Exception {
        CompletableFuture<Void> sleeper = thread(() -> time.sleep(Duration.ofSeconds(20)));
        time.awaitWaiters(1, REAL);

        time.advance(Duration.ofMillis(19_999));
        time.awaitWaiters(1, REAL);
        assertFalse(sleeper.isDone(), "1 ms early");

        time.advance(Duration.ofMillis(1));
        sleeper.get(10, TimeUnit.SECONDS);
        assertEquals(0, time.waiters(), "a woken sleeper stops counting at once");
    }

    @Test
    void anAdvanceWakesOnlyTheWaitersItsDeadlinePasses() throws Exception {
        CompletableFuture<Void> short1 = thread(() -> time.sleep(Duration.ofSeconds(1)));
        CompletableFuture<Void> long5 = thread(() -> time.sleep(Duration.ofSeconds(5)));
        time.awaitWaiters(2, REAL);

        time.advance(Duration.ofSeconds(2));

        short1.get(10, TimeUnit.SECONDS);
        assertEquals(1, time.waiters());
        assertFalse(long5.isDone());
        time.advance(Duration.ofSeconds(3));
        long5.get(10, TimeUnit.SECONDS);
    }

    @Test
    void awaitReturnsWhenNotifiedBeforeItsDeadline() throws Exception {
        Object lock = new Object();
        boolean[] ready = {false};
        long deadline = time.nanoTime() + Duration.ofSeconds(30).toNanos();
        CompletableFuture<Void> waiter = thread(() -> {
            synchronized (lock) {
                while (!ready[0] && deadline - time.nanoTime() > 0) {
                    time.await(lock, deadline);
                }
            }
        });
        time.awaitWaiters(1, REAL);
        synchronized (lock) {
            ready[0] = true;
            lock.notifyAll();
        }
        waiter.get(10, TimeUnit.SECONDS);
        assertEquals(START, time.now(), "no time passed");
    }

    @Test
    void awaitReturnsAtItsDeadlineWhenNothingComes() throws Exception {
        Object lock = new Object();
        long deadline = time.nanoTime() + Duration.ofMillis(800).toNanos();
        CompletableFuture<Void> waiter = thread(() -> {
            synchronized (lock) {
                while (deadline - time.nanoTime() > 0) {
                    time.await(lock, deadline);
                }
            }
        });
        time.awaitWaiters(1, REAL);
        time.advance(Duration.ofMillis(800));
        waiter.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPassedDeadlineOrANonPositiveSleepReturnsAtOnce() throws Exception {
        Object lock = new Object();
        synchronized (lock) {
            time.await(lock, time.nanoTime());
            time.await(lock, time.nanoTime() - 1);
        }
        time.sleep(Duration.ZERO);
        time.sleep(Duration.ofSeconds(-1));
        assertEquals(0, time.waiters());
    }

    @Test
    void awaitWithoutTheMonitorsLockIsRefused() {
        assertThrows(IllegalMonitorStateException.class, () -> time.await(new Object(), time.nanoTime() + 1000));
        assertEquals(0, time.waiters());
    }

    @Test
    void anInterruptWakesASleeperAndItStopsCounting() throws Exception {
        Thread[] sleeper = new Thread[1];
        CompletableFuture<Void> done = thread(() -> {
            sleeper[0] = Thread.currentThread();
            time.sleep(Duration.ofHours(1));
        });
        time.awaitWaiters(1, REAL);
        sleeper[0].interrupt();
        ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(10, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedException.class, e.getCause());
        assertEquals(0, time.waiters());
    }

    @Test
    void awaitWaitersGivesUpInRealTimeAndSaysWhoIsWaiting() throws Exception {
        CompletableFuture<Void> sleeper = thread(() -> time.sleep(Duration.ofSeconds(3)));
        time.awaitWaiters(1, REAL);
        AssertionError e = assertThrows(AssertionError.class, () -> time.awaitWaiters(2, Duration.ofMillis(50)));
        assertTrue(e.getMessage().startsWith("expected 2 thread(s) waiting on virtual time within 50 ms; 1 waiting: "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(" (for 3000 ms)"), e.getMessage());
        time.advance(Duration.ofSeconds(3));
        sleeper.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theSystemTimeSleepsAndWaitsForReal() throws Exception {
        Time system = Time.system();
        long start = system.nanoTime();
        system.sleep(Duration.ofMillis(20));
        Object lock = new Object();
        synchronized (lock) {
            system.await(lock, system.nanoTime() + Duration.ofMillis(20).toNanos());
        }
        assertTrue(system.nanoTime() - start >= Duration.ofMillis(20).toNanos());
        assertEquals("Time.system()", system.toString());
        assertTrue(Duration.between(system.now(), Instant.now()).abs().compareTo(Duration.ofSeconds(5)) < 0);
    }
}
