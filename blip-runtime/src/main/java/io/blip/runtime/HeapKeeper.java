package io.blip.runtime;

import io.blip.api.time.Time;
import io.blip.runtime.monitor.LevelClock;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the heap near what the monitors hold, under bin/blip's serial collector. That collector
 * grows the old generation whenever a young collection promotes more than fits, and collects it only
 * when it can grow no more: with many monitors, values that outlive a few young collections (a
 * collection in flight, the last health) are promoted and the heap creeps towards the JVM's maximum
 * (from 250 to 580 MiB in 40 s with 1,000 monitors; docs/jvm.md). Every {@link #CHECK_EVERY}, when the
 * committed heap is above its budget, the keeper asks for a full collection, half a second past the
 * tick so that it does not delay the collections that start at the whole second; the collector
 * then gives back what is free beyond {@code -XX:MaxHeapFreeRatio}.
 *
 * <p>The budget is first estimated from the number of monitors, then follows what a full collection
 * left: {@link #HEADROOM} times that, never below {@link #FLOOR}. bin/blip turns the keeper on
 * ({@code -Dblip.heap-keeper=on}) when it chose the collector; with a collector of the user's it stays
 * off, as it does in tests of the whole server.
 */
final class HeapKeeper implements LevelClock.Ticker {
    static final String PROPERTY = "blip.heap-keeper";
    static final Duration CHECK_EVERY = Duration.ofSeconds(5);
    /**
     * No look in the first 30 s: what the monitors allocate while they start is mostly kept, and a full
     * collection then (some 150 ms with 1,000 monitors) only delays their start.
     */
    static final Duration QUIET_AT_START = Duration.ofSeconds(30);
    /** The smallest budget: what Blip holds with one monitor (about 5 MiB) and room to work. */
    static final long FLOOR = 24L << 20;
    /** The first estimate, per monitor: a connection (about 60 KiB in the driver) and its plan's state. */
    static final long PER_MONITOR = 160L << 10;
    /** The budget as a multiple of what the last full collection left. */
    static final double HEADROOM = 1.5;
    private static final Duration PAST_THE_TICK = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(HeapKeeper.class);

    private final Time time;
    private final LongSupplier committed;
    private final LongSupplier used;
    private final Runnable collect;
    private volatile long budget;
    private long nextCheck = Long.MIN_VALUE; // the clock's thread only; MIN_VALUE before the first tick
    private volatile boolean collecting;

    /**
     * @param committed the heap's committed bytes ({@link Runtime#totalMemory})
     * @param used      the bytes in use ({@code totalMemory - freeMemory})
     * @param collect   a full collection ({@link System#gc})
     */
    HeapKeeper(int monitors, Time time, LongSupplier committed, LongSupplier used, Runnable collect) {
        this.time = time;
        this.committed = committed;
        this.used = used;
        this.collect = collect;
        this.budget = FLOOR + monitors * PER_MONITOR;
    }

    /** The keeper of this JVM's heap, or null when bin/blip did not ask for one. */
    static HeapKeeper forThisJvm(int monitors, Time time) {
        if (!"on".equals(System.getProperty(PROPERTY))) {
            return null;
        }
        Runtime rt = Runtime.getRuntime();
        return new HeapKeeper(monitors, time, rt::totalMemory, () -> rt.totalMemory() - rt.freeMemory(), System::gc);
    }

    long budget() {
        return budget;
    }

    /** Ticked at least every {@link #CHECK_EVERY}: it looks no more often. */
    @Override
    public int everySeconds() {
        return (int) CHECK_EVERY.toSeconds();
    }

    @Override
    public void tick(long epochSecond) {
        if (nextCheck == Long.MIN_VALUE) {
            nextCheck = epochSecond + QUIET_AT_START.toSeconds();
            return;
        }
        if (epochSecond < nextCheck || collecting) {
            return;
        }
        nextCheck = epochSecond + CHECK_EVERY.toSeconds();
        if (committed.getAsLong() <= budget) {
            return;
        }
        collecting = true;
        Thread.ofVirtual().name("blip-heap-keeper").start(() -> {
            try {
                time.sleep(PAST_THE_TICK);
                keep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                collecting = false;
            }
        });
    }

    /** A full collection, then the budget from what it left. */
    void keep() {
        long before = committed.getAsLong();
        collect.run();
        long live = used.getAsLong();
        long was = budget;
        budget = Math.max(FLOOR, (long) (live * HEADROOM));
        LOG.debug("heap: {} MiB committed over a budget of {} MiB; a full collection left {} MiB in use, "
                + "{} MiB committed; budget now {} MiB", mib(before), mib(was), mib(live), mib(committed.getAsLong()),
                mib(budget));
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
