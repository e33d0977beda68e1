package io.blip.api.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** {@link Time#system()}: the one place in Blip that sleeps and waits with a timeout on the real clock. */
final class SystemTime implements Time {
    static final SystemTime INSTANCE = new SystemTime();

    private static final Clock UTC = Clock.systemUTC();

    private SystemTime() {
    }

    @Override
    public Instant now() {
        return UTC.instant();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Clock clock() {
        return UTC;
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.isNegative() ? Duration.ZERO : duration);
    }

    @Override
    public void await(Object monitor, long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.timedWait(monitor, left);
        }
    }

    @Override
    public String toString() {
        return "Time.system()";
    }
}
