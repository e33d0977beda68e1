package io.blip.runtime.monitor;

import io.blip.api.time.Time;
import io.blip.runtime.event.Event;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ticker for every monitor, and the one watch over their collections in flight. A single thread
 * wakes at each whole second of the wall clock (of the {@link Time} it is given, virtual in tests)
 * and tells each monitor the second; a monitor's {@code tick} must return at once (it hands
 * collection to {@link QueryThreads}), so 1,000 monitors cost one thread and 1,000 calls a second.
 *
 * <p>Between ticks the same thread checks what is {@linkplain #watch watched}: a collection in
 * flight asks to be checked when one of its domains is due to hand over to the next or to be cut
 * off at its time limit. A collection then runs its domains on the thread it was given, with no
 * thread waiting beside it; on a healthy server the clock finds it ended at the one check it makes
 * {@link Engine#HAND_OVER_AFTER} after the tick, and a collection costs no wake-up of its own.
 * The thread wakes as often as its most frequent ticker asks: a process whose monitors only serve
 * scrapes has the heap keeper's, every fifth second, and with no ticker and nothing to check it
 * sleeps until one registers.
 */
public final class LevelClock implements AutoCloseable {
    /** Told the second at each tick. */
    public interface Ticker {
        void tick(long epochSecond);

        /**
         * How often it must be told at least, in seconds: a clock with only tickers of 5 s (the heap
         * keeper's, in a process that only serves scrapes) wakes every fifth second. It may be told
         * other seconds too.
         */
        default int everySeconds() {
            return 1;
        }
    }

    /** Something in flight with deadlines, which the clock's thread checks. */
    interface Watched {
        /** What {@link #check} returns when nothing is left to check. */
        long DONE = Long.MAX_VALUE;

        /**
         * Acts on what is due at {@code nowNanos} ({@link Time#nanoTime()}) and returns when to be
         * checked next, or {@link #DONE}. Runs on the clock's thread: it must return at once.
         */
        long check(long nowNanos);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LevelClock.class);
    /** {@link #wakeAt} while the thread is awake: a watch added then is seen before it sleeps. */
    private static final long AWAKE = Long.MIN_VALUE;

    private final Time time;
    private final CopyOnWriteArrayList<Ticker> tickers = new CopyOnWriteArrayList<>();
    /** What is watched, and when each is next checked. */
    private final Map<Watched, Long> watched = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** Guards {@link #wakeAt} and {@link #addedWhileAwake}. */
    private final Object lock = new Object();
    private long wakeAt = AWAKE;
    private long addedWhileAwake = Watched.DONE;
    private boolean registeredWhileAwake;
    /**
     * Every how many seconds the thread sleeps until the next tick: the shortest of the tickers'
     * {@link Ticker#everySeconds}, 0 without tickers (it then wakes only for what is watched).
     */
    private int sleepingStep;
    /** The step of the last sleep (the clock's thread only): the seconds it slept past were nobody's. */
    private int lastStep = 1;
    /** The shortest {@link Ticker#everySeconds} of the tickers, 0 without any. */
    private volatile int step;
    /** How long a clock with nothing to tick or check sleeps unless a ticker or a watch comes. */
    private static final long IDLE_NANOS = Duration.ofHours(1).toNanos();

    /**
     * More collections in flight than this, and a domain that takes long is slow from sharing the
     * CPU with them (1,000 monitors collecting at the same second on 2 cores), not from MySQL.
     */
    private final int crowd;

    public LevelClock(Time time) {
        this(time, 2 * Runtime.getRuntime().availableProcessors());
    }

    LevelClock(Time time, int crowd) {
        this.time = time;
        this.crowd = crowd;
        this.thread = Thread.ofPlatform().daemon().name("blip-level-clock").start(this::run);
    }

    public void register(Ticker ticker) {
        tickers.addIfAbsent(ticker);
        synchronized (lock) {
            step = shortestStep();
            if (wakeAt == AWAKE) {
                registeredWhileAwake = true;
            } else if (sleepingStep == 0 || ticker.everySeconds() < sleepingStep) {
                thread.interrupt(); // it sleeps longer than this ticker may wait
            }
        }
    }

    public void unregister(Ticker ticker) {
        tickers.remove(ticker);
        synchronized (lock) {
            step = shortestStep();
        }
    }

    private int shortestStep() {
        return tickers.stream().mapToInt(t -> Math.max(1, t.everySeconds())).min().orElse(0);
    }

    /** Checks {@code w} at {@code firstCheckNanos} and then whenever it asks, until it is done or unwatched. */
    void watch(Watched w, long firstCheckNanos) {
        watched.put(w, firstCheckNanos);
        synchronized (lock) {
            if (wakeAt == AWAKE) {
                addedWhileAwake = Math.min(addedWhileAwake, firstCheckNanos);
            } else if (firstCheckNanos - wakeAt < 0) {
                wakeAt = firstCheckNanos;
                thread.interrupt(); // wakes it to look again (a collection of a monitor that just connected)
            }
        }
    }

    void unwatch(Watched w) {
        watched.remove(w);
    }

    /**
     * Runs {@code ring} on the clock's thread at {@code atNanos} ({@link Time#nanoTime()}), unless the
     * returned cancel runs first; {@code ring} must return at once. Costs no wake-up when the clock is
     * awake by then anyway (a scrape's time limit, seconds away).
     */
    public Runnable alarm(long atNanos, Runnable ring) {
        Watched w = now -> {
            if (now - atNanos < 0) {
                return atNanos;
            }
            ring.run();
            return Watched.DONE;
        };
        watch(w, atNanos);
        return () -> unwatch(w);
    }

    /**
     * Whether more collections are in flight than the cores can run without making each slow: then
     * a slow domain does not hand over to a spare connection, which would only add to the work.
     */
    boolean crowded() {
        return watched.size() > crowd;
    }

    private void run() {
        long wallSecond = Math.floorDiv(time.now().toEpochMilli(), 1000);
        Turn turn = new Turn(wallSecond, wallSecond);
        while (running) {
            try {
                turn = turn(turn);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The second last ticked, and the wall clock's second when it was. They are the same but after
     * the wall clock went back (an NTP step): the clock then ticks on from the last second at each
     * new second of the wall clock, as a monotonic ticker would, rather than wait for the wall clock
     * to come back to it.
     */
    private record Turn(long ticked, long wallSecond) {
    }

    /**
     * One turn of the clock: ticks a second begun since the last, checks what is due and sleeps
     * until the next. A method of its own, not the body of {@link #run}'s loop: the JIT compiles a
     * method after some calls, where a loop that turns a few times a second would wait in the
     * interpreter for the tens of thousands of turns after which it compiles the loop itself.
     */
    private Turn turn(Turn last) throws InterruptedException {
        Thread.interrupted(); // a watch's wake-up, taken already
        long nowMillis = time.now().toEpochMilli();
        long wallSecond = Math.floorDiv(nowMillis, 1000);
        boolean ticked = wallSecond != last.wallSecond();
        if (ticked) {
            last = new Turn(next(last, wallSecond), wallSecond);
            tick(last.ticked());
        }
        long now = time.nanoTime();
        int every = step;
        long wake = Watched.DONE;
        if (every > 0) {
            long nextSecond = (last.wallSecond() / every + 1) * every;
            wake = now + (nextSecond * 1000 - nowMillis) * 1_000_000;
        }
        wake = earliest(wake, checkWatched(now));
        if (ticked && every == 1) {
            // The collections just handed out start a moment later; their first check is no
            // earlier than this, so they need not wake the thread to say so.
            wake = earliest(wake, now + Engine.HAND_OVER_AFTER.toNanos());
        }
        sleepUntil(wake, every);
        return last;
    }

    /**
     * The second to tick now that the wall clock reads {@code wallSecond}, a second other than at the
     * last tick. A second begun since the last tick is ticked at once, even when the clock was late
     * to sleep; a pause longer than a second (GC, a stopped process, a suspended VM) or a wall clock
     * that jumped ahead skips seconds rather than bunching them, as Blip's ticker drops ticks.
     */
    private long next(Turn last, long wallSecond) {
        if (wallSecond < last.wallSecond()) {
            LOG.warn("level clock: the wall clock went back {} s; ticking on from second {}",
                    last.wallSecond() - wallSecond, last.ticked());
        }
        if (wallSecond <= last.ticked()) {
            return last.ticked() + 1;
        }
        long skipped = wallSecond - last.ticked() - 1;
        if (lastStep > 0 && skipped >= lastStep) {
            LOG.warn("level clock: {} second(s) not ticked, after second {} came second {}: the process was"
                    + " paused, or the wall clock jumped ahead", skipped, last.ticked(), wallSecond);
        }
        return wallSecond;
    }

    private void tick(long second) {
        for (Ticker t : tickers) {
            try {
                t.tick(second);
            } catch (RuntimeException e) {
                if (t instanceof Monitor m) {
                    LOG.error("{}: monitor {}: tick: {}", Event.MONITOR_PANIC, m.id(), e.toString());
                } else {
                    LOG.error("tick failed: {}", e.toString());
                }
            }
        }
    }

    /** Checks what is due; returns the earliest next check. */
    private long checkWatched(long now) {
        long next = Watched.DONE;
        for (Map.Entry<Watched, Long> e : watched.entrySet()) {
            long at = e.getValue();
            if (at - now <= 0) {
                try {
                    at = e.getKey().check(now);
                } catch (RuntimeException ex) {
                    LOG.error("check failed: {}", ex.toString());
                    at = Watched.DONE;
                }
                if (at == Watched.DONE) {
                    watched.remove(e.getKey(), e.getValue());
                    continue;
                }
                // Not replace(): a collection that ended meanwhile has removed itself and stays removed.
                watched.replace(e.getKey(), e.getValue(), at);
            }
            next = earliest(next, at);
        }
        return next;
    }

    /**
     * Sleeps until {@code wake}, or until a watch that must be checked earlier, or a ticker that may
     * not wait {@code every} seconds, interrupts it. A plain sleep, not a wait on a lock: waiting on
     * an object's monitor inflates it, twice a second. With nothing to tick or check, it sleeps until
     * something comes.
     */
    private void sleepUntil(long wake, int every) throws InterruptedException {
        synchronized (lock) {
            wake = earliest(wake, addedWhileAwake);
            if (registeredWhileAwake) {
                wake = time.nanoTime(); // a ticker came after the step was read: at once round again
            } else if (wake == Watched.DONE) {
                wake = time.nanoTime() + IDLE_NANOS;
            }
            addedWhileAwake = Watched.DONE;
            registeredWhileAwake = false;
            wakeAt = wake;
            sleepingStep = every;
            lastStep = every;
        }
        try {
            time.sleep(Duration.ofNanos(wake - time.nanoTime()));
        } catch (InterruptedException e) {
            if (!running) {
                throw e;
            }
        } finally {
            synchronized (lock) {
                wakeAt = AWAKE;
            }
        }
    }

    /** The earlier of two {@link Time#nanoTime()} readings, either of which may be {@link Watched#DONE}. */
    private static long earliest(long a, long b) {
        if (a == Watched.DONE || b == Watched.DONE) {
            return a == Watched.DONE ? b : a;
        }
        return a - b <= 0 ? a : b;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
