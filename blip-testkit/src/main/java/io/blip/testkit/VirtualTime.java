package io.blip.testkit;

import io.blip.api.time.Time;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@link Time} that moves only when the test says: {@link #advance} moves the wall clock and the
 * monotonic clock together and wakes every thread whose {@link #sleep} or {@link #await} deadline
 * it passed. Code under test sleeps and waits as in production; the test knows it is parked with
 * {@link #awaitWaiters} (a real wait on a real condition, no polling), then advances. A 20 s backoff
 * or a 15-minute token lifetime so takes no time at all, and the test says exactly when it ends.
 *
 * <pre>{@code
 * VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
 * monitor.start(Duration.ZERO);                  // fails to connect, backs off 1 s
 * time.awaitWaiters(1, Duration.ofSeconds(10));  // the monitor is sleeping
 * time.advance(Duration.ofSeconds(1));           // ...and tries again
 * }</pre>
 *
 * <p>A waiter whose deadline an advance passed stops counting as a waiter at once, before its
 * thread runs again, so {@code advance} then {@code awaitWaiters(n)} waits for the woken threads to
 * park again.
 */
public final class VirtualTime implements Time {
    /** A thread in {@link #await}, until an advance passes its deadline or it leaves. */
    private record Waiter(Thread thread, long deadline, Object monitor) {
    }

    /** Guards the time and the waiters; never held while taking a monitor's lock. */
    private final Object lock = new Object();
    private Instant wall;
    /** As {@link System#nanoTime()}, from an arbitrary origin: only differences mean something. */
    private long nanos = TimeUnit.HOURS.toNanos(1);
    private final List<Waiter> waiters = new ArrayList<>();
    private final Clock clock = clockIn(ZoneOffset.UTC);

    /** Virtual time that starts at {@code start}. */
    public VirtualTime(Instant start) {
        this.wall = start;
    }

    @Override
    public Instant now() {
        synchronized (lock) {
            return wall;
        }
    }

    @Override
    public long nanoTime() {
        synchronized (lock) {
            return nanos;
        }
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (!duration.isPositive()) {
            return;
        }
        Object parked = new Object();
        long deadline = nanoTime() + duration.toNanos();
        synchronized (parked) {
            while (deadline - nanoTime() > 0) {
                await(parked, deadline);
            }
        }
    }

    @Override
    public void await(Object monitor, long deadlineNanos) throws InterruptedException {
        if (!Thread.holdsLock(monitor)) {
            throw new IllegalMonitorStateException("await on a monitor whose lock the thread does not hold");
        }
        Waiter w = new Waiter(Thread.currentThread(), deadlineNanos, monitor);
        synchronized (lock) {
            if (deadlineNanos - nanos <= 0) {
                return;
            }
            waiters.add(w);
            lock.notifyAll();
        }
        try {
            // An advance that passes the deadline notifies the monitor, which it can lock only once
            // this wait has released it: the wake-up cannot be lost.
            monitor.wait();
        } finally {
            synchronized (lock) {
                waiters.remove(w);
            }
        }
    }

    /**
     * Moves the time on by {@code duration} and wakes every thread whose deadline that passes.
     *
     * @throws IllegalArgumentException when {@code duration} is negative
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + duration);
        }
        List<Object> due = new ArrayList<>();
        synchronized (lock) {
            wall = wall.plus(duration);
            nanos += duration.toNanos();
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.deadline() - nanos <= 0) {
                    it.remove();
                    due.add(w.monitor());
                }
            }
            lock.notifyAll();
        }
        for (Object monitor : due) {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
    }

    /**
     * Sets the wall clock {@code step} on (or back, when negative) and leaves the monotonic clock
     * where it is, as an NTP step or an operator's {@code date -s} does: no sleep or wait ends.
     */
    public void stepWallClock(Duration step) {
        synchronized (lock) {
            wall = wall.plus(step);
        }
    }

    /**
     * Waits, in real time, until at least {@code n} threads sleep or wait in this time (whose
     * deadline no advance has passed yet).
     *
     * @throws AssertionError when fewer are waiting after {@code realTimeout}; it names those that are
     */
    public void awaitWaiters(int n, Duration realTimeout) throws InterruptedException {
        long end = System.nanoTime() + realTimeout.toNanos();
        synchronized (lock) {
            while (waiters.size() < n) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + n + " thread(s) waiting on virtual time within "
                            + realTimeout.toMillis() + " ms; " + describeWaiters());
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /**
     * Waits, in real time, until a thread sleeps or waits in this time with a deadline at most
     * {@code within} from now: one that went back to sleep for a short while, where a waiter for a
     * later deadline (an idle thread's, that something just woke) would pass {@link #awaitWaiters}.
     *
     * @throws AssertionError when none is after {@code realTimeout}; it names those that wait
     */
    public void awaitWaiterDueWithin(Duration within, Duration realTimeout) throws InterruptedException {
        long end = System.nanoTime() + realTimeout.toNanos();
        synchronized (lock) {
            while (waiters.stream().noneMatch(w -> w.deadline() - nanos <= within.toNanos())) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected a thread waiting on virtual time for at most "
                            + within.toMillis() + " ms within " + realTimeout.toMillis() + " ms; " + describeWaiters());
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /** How many threads sleep or wait in this time now. */
    public int waiters() {
        synchronized (lock) {
            return waiters.size();
        }
    }

    private String describeWaiters() {
        if (waiters.isEmpty()) {
            return "none is";
        }
        return waiters.size() + " waiting: " + waiters.stream()
                .map(w -> w.thread().getName() + " (for " + Duration.ofNanos(w.deadline() - nanos).toMillis() + " ms)")
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "VirtualTime[" + now() + "]";
    }

    /** This time as a {@link Clock} in {@code zone}. */
    private Clock clockIn(ZoneId zone) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return clockIn(other);
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }
}
