package io.blip.runtime;

import io.blip.api.BlipException;
import io.blip.api.time.Time;
import io.blip.runtime.monitor.LevelClock;
import io.blip.runtime.monitor.Monitor;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running half: what {@link Boot} built, started, then stopped on SIGTERM or SIGINT within
 * {@value #STOP_SECONDS} s.
 */
public final class Server implements AutoCloseable {
    public static final int STOP_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    /** How long the starts of all monitors are spread over ({@link #run}). */
    static final Duration START_SPREAD = Duration.ofSeconds(2);
    /** The most time between two monitors' starts. */
    private static final Duration MAX_START_GAP = Duration.ofMillis(100);

    private final List<Monitor> monitors;
    private final LevelClock levelClock;
    private final List<ExecutorService> executors;
    private final Time time;
    private final CountDownLatch stopped = new CountDownLatch(1);

    Server(List<Monitor> monitors, LevelClock levelClock, List<ExecutorService> executors, Time time) {
        this.monitors = List.copyOf(monitors);
        this.levelClock = levelClock;
        this.executors = List.copyOf(executors);
        this.time = time;
    }

    /** A server with nothing to run: after {@code --run=false} or {@code --print-domains}. */
    static Server idle() {
        return new Server(List.of(), null, List.of(), Time.system());
    }

    /** The whole program after flag parsing: boot, print what was asked, run. Returns the exit code. */
    static int main(CliOptions options, Map<String, String> env, PrintStream out, PrintStream err) {
        Server server;
        try {
            server = boot(options, env, out, Time.system());
        } catch (BlipException e) {
            err.println("blip: boot failed:");
            err.println(e.getMessage());
            return Cli.EXIT_ERROR;
        }
        if (!options.run() || options.printDomains()) {
            server.close();
            return 0;
        }
        server.installShutdownHook();
        server.run();
        server.awaitStop();
        return 0;
    }

    /**
     * Builds everything, on {@code time} (the system's; a virtual one in tests); throws with every
     * problem found. Prints what the options ask for.
     */
    static Server boot(CliOptions options, Map<String, String> env, PrintStream out, Time time) {
        return Boot.boot(options, env, out, time);
    }

    /**
     * Starts every monitor, each a little after the last (on the server's time), so that 1,000 monitors
     * do not connect in the same instant, and all within {@link #START_SPREAD}: 100 ms apart for up to
     * 20 monitors, 2 ms apart for 1,000. Returns at once: the monitors wait their turn.
     */
    void run() {
        Duration gap = monitors.isEmpty() ? Duration.ZERO
                : Duration.ofNanos(Math.min(MAX_START_GAP.toNanos(), START_SPREAD.toNanos() / monitors.size()));
        LOG.info("server-run: starting {} monitor(s), {} ms apart", monitors.size(), gap.toNanos() / 1e6);
        for (int i = 0; i < monitors.size(); i++) {
            monitors.get(i).start(gap.multipliedBy(i));
        }
    }

    List<Monitor> monitors() {
        return monitors;
    }

    /** Blocks until the server has stopped (by {@link #close}, e.g. from the shutdown hook). */
    private void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM and SIGINT run the JVM's shutdown hooks: this one stops the monitors and flushes the
     * sinks within {@value #STOP_SECONDS} s. (The exit status is then the signal's, 143 or 130.)
     */
    private void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("blip-stop").unstarted(this::close));
    }

    /** Stops every monitor (in parallel, within {@value #STOP_SECONDS} s in all) and releases everything. */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        Duration within = Duration.ofSeconds(STOP_SECONDS - 1);
        long deadline = time.nanoTime() + within.plusSeconds(1).toNanos();
        int[] stopping = {monitors.size()}; // guarded by itself: the monitors still stopping
        for (Monitor m : monitors) {
            Thread.ofVirtual().start(() -> {
                try {
                    m.stop(within);
                } finally {
                    synchronized (stopping) {
                        stopping[0]--;
                        stopping.notifyAll();
                    }
                }
            });
        }
        synchronized (stopping) {
            try {
                while (stopping[0] > 0 && deadline - time.nanoTime() > 0) {
                    time.await(stopping, deadline);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (levelClock != null) {
            levelClock.close();
        }
        executors.forEach(ExecutorService::shutdownNow);
        LOG.info("server-stopped");
        stopped.countDown();
    }
}
