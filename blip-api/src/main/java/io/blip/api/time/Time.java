package io.blip.api.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The time, and waiting for it. Everything in Blip that reads the time or waits for some of it to
 * pass does so here, never through {@code System.currentTimeMillis}, {@code Instant.now} or
 * {@code Thread.sleep}: the runtime hands every monitor, collector and credential source the one
 * {@code Time} it was booted with — {@link #system()} in production, a virtual time in tests, which
 * the test moves on so that a 20 s backoff or an 870 s token lifetime takes no time at all.
 *
 * <p>Waiting for something that may also come before a deadline (a result, a notification) is
 * {@link #await}: the caller holds the lock of a monitor object that whoever brings the something
 * notifies, and loops on its own condition:
 *
 * <pre>{@code
 * long deadline = time.nanoTime() + limit.toNanos();
 * synchronized (lock) {
 *     while (!done && deadline - time.nanoTime() > 0) {
 *         time.await(lock, deadline);
 *     }
 * }
 * }</pre>
 */
public interface Time {

    /** The system's time: the UTC clock, {@link System#nanoTime()}, real sleeps and timed waits. */
    static Time system() {
        return SystemTime.INSTANCE;
    }

    /** The wall-clock time now. */
    Instant now();

    /**
     * Monotonic nanoseconds from an arbitrary origin, for deadlines and elapsed times: only the
     * difference of two readings means something, as with {@link System#nanoTime()}.
     */
    long nanoTime();

    /** This time as a UTC {@link Clock}, for APIs that want one. */
    Clock clock();

    /**
     * Waits until {@code duration} has passed; returns at once when it is zero or negative.
     *
     * @throws InterruptedException when the thread is interrupted
     */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * Waits on {@code monitor}, whose lock the caller holds, until it is notified, until
     * {@link #nanoTime()} reaches {@code deadlineNanos}, or spuriously; callers loop on their
     * condition and the deadline. Returns at once when the deadline has passed.
     *
     * @throws InterruptedException         when the thread is interrupted
     * @throws IllegalMonitorStateException when the caller does not hold {@code monitor}'s lock
     */
    void await(Object monitor, long deadlineNanos) throws InterruptedException;
}
