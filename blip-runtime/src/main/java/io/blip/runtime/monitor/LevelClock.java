package io.blip.runtime.monitor;

import io.blip.api.time.Time;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ticker for every monitor: a single thread wakes at each whole second of the wall clock (of
 * the {@link Time} it is given, virtual in tests) and tells each monitor the second. A monitor's
 * {@code tick} must return at once (it hands collection to {@link QueryThreads}), so 1,000 monitors
 * cost one thread and 1,000 calls a second.
 */
public final class LevelClock implements AutoCloseable {
    /** Told the second at each tick. */
    public interface Ticker {
        void tick(long epochSecond);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LevelClock.class);

    private final Time time;
    private final CopyOnWriteArrayList<Ticker> tickers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public LevelClock(Time time) {
        this.time = time;
        this.thread = Thread.ofPlatform().daemon().name("blip-level-clock").start(this::run);
    }

    public void register(Ticker ticker) {
        tickers.addIfAbsent(ticker);
    }

    public void unregister(Ticker ticker) {
        tickers.remove(ticker);
    }

    private void run() {
        long last = time.now().getEpochSecond();
        while (running) {
            long now = time.now().toEpochMilli();
            long second = now / 1000;
            if (second <= last) {
                try {
                    time.sleep(Duration.ofMillis((second + 1) * 1000 - now));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            // A second begun since the last tick is ticked at once, even when the clock was late to
            // sleep; a pause longer than a second (GC, suspended VM) skips seconds rather than bunching them.
            last = second;
            for (Ticker t : tickers) {
                try {
                    t.tick(second);
                } catch (RuntimeException e) {
                    LOG.error("tick failed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
