package io.blip.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Lets a test wait for a condition without polling: whatever the condition reads (output that grows,
 * requests that arrive, a process that exits) {@link #fire fires} the signal when it changes, and
 * {@link #await} checks the condition again each time, in real time, until it holds or the time is up.
 * The condition is checked outside the signal's lock, so a source may fire while holding its own.
 */
public final class Signal {
    private long changes; // guarded by this

    /** Something the waiters' conditions read may have changed. */
    public synchronized void fire() {
        changes++;
        notifyAll();
    }

    /**
     * Returns once {@code done} holds, checking it at once and after every {@link #fire}.
     *
     * @throws AssertionError when it does not hold after {@code timeout}; the message names {@code what}
     */
    public void await(BooleanSupplier done, Duration timeout, Supplier<String> what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen;
            synchronized (this) {
                seen = changes;
            }
            if (done.getAsBoolean()) {
                return;
            }
            synchronized (this) {
                while (changes == seen) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what.get());
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
        }
    }
}
