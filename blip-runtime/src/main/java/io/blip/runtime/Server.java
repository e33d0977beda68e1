package io.blip.runtime;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.runtime.plan.MonitorPlans;
import io.blip.api.time.Time;
import io.blip.runtime.api.ApiServer;
import io.blip.runtime.config.BlipConfig;
import io.blip.runtime.config.StopLoss;
import io.blip.runtime.event.Event;
import io.blip.runtime.monitor.LevelClock;
import io.blip.runtime.monitor.Monitor;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The running half: the monitors {@link Boot} built, started, reloaded ({@link #reload}), started and
 * stopped one by one, then all stopped on SIGTERM or SIGINT within {@value #STOP_SECONDS} s.
 */
public final class Server implements AutoCloseable {
    public static final int STOP_SECONDS = 10;
    /** The exit code of {@code --run=false} when the config is valid but some monitor could not connect. */
    public static final int EXIT_UNREACHABLE = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    /** How long the starts of all monitors are spread over ({@link #run}). */
    static final Duration START_SPREAD = Duration.ofSeconds(2);
    /** The most time between two monitors' starts. */
    private static final Duration MAX_START_GAP = Duration.ofMillis(100);
    /** How long a reload or {@link #stop(String)} gives a monitor to stop. */
    private static final Duration MONITOR_STOP = Duration.ofSeconds(5);

    /** What a reload did, or why it did nothing. */
    public enum ReloadOutcome { RELOADED, INVALID, STOP_LOSS, BUSY }

    /**
     * @param message what happened, for a person: the problems of an invalid load, the stop-loss refusal
     * @param added   monitors new in the load, started
     * @param removed monitors no longer in the load, stopped
     * @param changed monitors whose config or plan changed, restarted
     */
    public record Reload(ReloadOutcome outcome, String message, List<String> added, List<String> removed,
                         List<String> changed) {
        static Reload refused(ReloadOutcome outcome, String message) {
            return new Reload(outcome, message, List.of(), List.of(), List.of());
        }
    }

    /** What starting or stopping one monitor did. */
    public enum Control { DONE, UNKNOWN_ID, ALREADY, BUSY }

    /**
     * A loaded monitor: its config and plan, and its latest {@link Monitor}, stopped or not; a
     * monitor stopped by {@link #stop(String)} stays loaded and starts again as a new {@link Monitor}.
     */
    private record Slot(MonitorConfig config, MonitorPlans plan, Monitor monitor) {
        boolean stopped() {
            return monitor.state() == Monitor.State.STOPPED;
        }
    }

    private final Fleet fleet; // null when idle
    private final StopLoss stopLoss;
    private volatile BlipConfig config; // the last one loaded (boot or reload)
    private volatile Instant started; // when run() started the monitors; null before
    private volatile String lastLoad = "";
    /** Which shard this instance is and what each owns, for {@code /status}; empty without sharding. */
    private volatile String shard = "";
    private ApiServer api; // null when api.disable or idle; guarded by this
    private final LevelClock levelClock;
    private final ExecutorService queries;
    private final Time time;
    private final Map<String, Slot> slots = new LinkedHashMap<>(); // guarded by this
    private boolean changing; // a reload, start or stop in progress; guarded by this
    private boolean closed; // guarded by this
    private final CountDownLatch stopped = new CountDownLatch(1);
    private int exitCode; // of an idle server

    Server(Fleet fleet, BlipConfig config, LevelClock levelClock, ExecutorService queries, Time time) {
        this.fleet = fleet;
        this.config = config;
        this.stopLoss = StopLoss.parse(config == null ? "" : config.monitorLoader().stopLoss());
        this.levelClock = levelClock;
        this.queries = queries;
        this.time = time;
    }

    /**
     * A server with nothing to run, after {@code --run=false} or a {@code --print-*} flag, and the
     * exit code of the program: 0, or {@link #EXIT_UNREACHABLE}.
     */
    static Server idle(int exitCode) {
        Server idle = new Server(null, null, null, null, Time.system());
        idle.exitCode = exitCode;
        return idle;
    }

    /** The whole program after flag parsing: boot, print what was asked, run. Returns the exit code. */
    static int main(CliOptions options, Map<String, String> env, PrintStream out, PrintStream err) {
        Server server;
        try {
            server = boot(options, env, out, Time.system());
        } catch (BlipException e) {
            err.println("blip: boot failed:");
            err.println(e.getMessage());
            // After the problems, so that they come first on STDERR (the first line says what happened).
            LOG.error("{}: {}", e instanceof Boot.InvalidConfig ? Event.BOOT_CONFIG_INVALID : Event.BOOT_ERROR,
                    "boot failed; the problems are listed above");
            return Cli.EXIT_ERROR;
        }
        if (server.fleet == null) { // --run=false, --print-*
            server.close();
            return server.exitCode;
        }
        server.installShutdownHook();
        server.installSignals();
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
     * Builds the monitors of a load (not started yet). On a failure, what was built is stopped and the
     * rest discarded, and the exception thrown.
     */
    synchronized void add(List<Fleet.Prepared> prepared) {
        for (int i = 0; i < prepared.size(); i++) {
            Fleet.Prepared p = prepared.get(i);
            try {
                slots.put(p.id(), new Slot(p.config(), p.plan(), fleet.build(p, levelClock, queries)));
            } catch (RuntimeException e) {
                prepared.subList(i + 1, prepared.size()).forEach(Fleet.Prepared::discard);
                throw e;
            }
        }
    }

    /**
     * Starts every monitor, each a little after the last (on the server's time), so that 1,000 monitors
     * do not connect in the same instant, and all within {@link #START_SPREAD}: 100 ms apart for up to
     * 20 monitors, 2 ms apart for 1,000. Returns at once: the monitors wait their turn.
     */
    void run() {
        List<Monitor> all = monitors();
        started = time.now();
        lastLoad = all.size() + " monitor(s) loaded at boot, " + started;
        LOG.info("{}: {} monitor(s)", Event.SERVER_RUN, all.size());
        startSpread(all);
        synchronized (this) {
            if (api != null) {
                api.start();
            }
        }
        Duration every = fleet == null ? Duration.ZERO : fleet.refresh(config);
        if (every.isPositive()) {
            Thread.ofVirtual().name("blip-monitor-refresh").start(() -> refreshEvery(every));
        }
    }

    /** {@code monitor-loader.<loader>.refresh}: a reload every so often, until the server stops. */
    private void refreshEvery(Duration every) {
        LOG.info("monitors-loading: a reload every {} s (monitor-loader refresh)", every.toSeconds());
        while (!closedNow()) {
            try {
                time.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            if (!closedNow()) {
                Reload r = reload();
                if (r.outcome() == ReloadOutcome.BUSY) {
                    LOG.debug("monitor refresh skipped: {}", r.message());
                }
            }
        }
    }

    /** The REST API of this server, bound at boot; it starts serving when the monitors start ({@link #run}). */
    synchronized void serve(ApiServer bound) {
        this.api = bound;
    }

    /** Where the REST API listens, when it is on. */
    synchronized Optional<InetSocketAddress> apiAddress() {
        return api == null ? Optional.empty() : Optional.of(api.address());
    }

    /** When the monitors were started; the boot's time before. */
    Instant started() {
        Instant s = started;
        return s == null ? time.now() : s;
    }

    /** What the server is doing, for {@code /status}. */
    String describe() {
        return closedNow() ? "stopped" : started == null ? "booted, not running" : "running since " + started;
    }

    private synchronized boolean closedNow() {
        return closed;
    }

    /** Which shard this instance is of {@code monitor-loader.shard}, and what each owns; empty without. */
    String shard() {
        return shard;
    }

    /** The shard of the load at boot. */
    void shard(String shard) {
        this.shard = shard;
    }

    /** The last load of monitors, for {@code /status}: boot or a reload, what it did and when. */
    String lastLoad() {
        return lastLoad;
    }

    /** The config of the last load (boot or reload). */
    BlipConfig config() {
        return config;
    }

    private static Duration startGap(int monitors) {
        return monitors == 0 ? Duration.ZERO
                : Duration.ofNanos(Math.min(MAX_START_GAP.toNanos(), START_SPREAD.toNanos() / monitors));
    }

    private static void startSpread(List<Monitor> monitors) {
        if (monitors.isEmpty()) {
            return;
        }
        Duration gap = startGap(monitors.size());
        LOG.info("{}: {} monitor(s), {} ms apart", Event.MONITORS_STARTING, monitors.size(), gap.toNanos() / 1e6);
        for (int i = 0; i < monitors.size(); i++) {
            monitors.get(i).start(gap.multipliedBy(i));
        }
        LOG.info("{}: {} monitor(s); each connects in its turn", Event.MONITORS_STARTED, monitors.size());
    }

    /** Every loaded monitor, in load order: its latest {@link Monitor}, stopped or not. */
    synchronized List<Monitor> monitors() {
        return slots.values().stream().map(Slot::monitor).toList();
    }

    /**
     * Loads the monitors again as boot did (the config file, its monitor files, the monitor loaders,
     * the plans) and makes the running set match: new monitors start, removed ones stop, those whose
     * config or plan changed restart; the others run on untouched. Nothing changes when the load has
     * problems (all of them are reported) or when more monitors would go than
     * {@code monitor-loader.stop-loss} allows. One at a time: a reload while another reload, start or
     * stop runs is {@link ReloadOutcome#BUSY}.
     *
     * <p>Whatever the outcome, while the server runs, every live sink is first told of the reload
     * ({@code Sink.reload}) and reads its files (key files) again: an operator who rotated a key and
     * sent SIGHUP expects it read, even when the config did not change or the reload is refused.
     */
    public Reload reload() {
        boolean busy;
        synchronized (this) {
            if (fleet == null || closed) {
                return Reload.refused(ReloadOutcome.BUSY, "the server is not running");
            }
            busy = changing;
            if (!busy) {
                changing = true;
            }
        }
        if (busy) {
            fleet.reloadSinks();
            return Reload.refused(ReloadOutcome.BUSY, "a reload, start or stop is in progress");
        }
        try {
            fleet.reloadSinks();
            return reloadNow();
        } finally {
            doneChanging();
        }
    }

    private Reload reloadNow() {
        LOG.info("{}: reload", Event.MONITORS_LOADING);
        Fleet.Loaded loaded;
        try {
            loaded = fleet.load();
            Logging.mask(loaded.config().log().masked());
        } catch (BlipException e) {
            LOG.error("{}: the running monitors are kept:\n{}", Event.MONITORS_RELOAD_ERROR, e.getMessage());
            return Reload.refused(ReloadOutcome.INVALID, e.getMessage());
        }
        Map<String, Slot> current;
        synchronized (this) {
            current = new LinkedHashMap<>(slots);
        }
        Map<String, Fleet.Prepared> next = new LinkedHashMap<>();
        loaded.prepared().forEach(p -> next.put(p.id(), p));
        List<String> removed = current.keySet().stream().filter(id -> !next.containsKey(id)).toList();
        List<String> added = next.keySet().stream().filter(id -> !current.containsKey(id)).toList();
        List<String> changed = next.keySet().stream().filter(current::containsKey)
                .filter(id -> !same(current.get(id), next.get(id))).toList();
        if (stopLoss.refuses(removed.size(), current.size())) {
            loaded.discard();
            String message = removed.size() + " of " + current.size() + " monitors would stop (" + removed
                    + "), more than monitor-loader.stop-loss " + stopLoss + " allows; nothing changed";
            LOG.warn("{}: {}", Event.MONITORS_STOPLOSS, message);
            return Reload.refused(ReloadOutcome.STOP_LOSS, message);
        }
        next.values().stream().filter(p -> !added.contains(p.id()) && !changed.contains(p.id()))
                .forEach(Fleet.Prepared::discard);
        List<Monitor> going = new ArrayList<>();
        removed.forEach(id -> going.add(current.get(id).monitor()));
        changed.forEach(id -> going.add(current.get(id).monitor()));
        stopAll(going, MONITOR_STOP);
        List<Monitor> starting = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        synchronized (this) {
            if (closed) { // stopped meanwhile: start nothing
                loaded.prepared().stream().filter(p -> added.contains(p.id()) || changed.contains(p.id()))
                        .forEach(Fleet.Prepared::discard);
                return Reload.refused(ReloadOutcome.BUSY, "the server stopped during the reload");
            }
            removed.forEach(slots::remove);
            Map<String, Slot> reordered = new LinkedHashMap<>();
            for (Fleet.Prepared p : loaded.prepared()) {
                Slot slot = slots.get(p.id());
                if (added.contains(p.id()) || changed.contains(p.id())) {
                    try {
                        slot = new Slot(p.config(), p.plan(), fleet.build(p, levelClock, queries));
                        starting.add(slot.monitor());
                    } catch (RuntimeException e) {
                        problems.add(p.id() + ": " + e.getMessage());
                        continue;
                    }
                }
                reordered.put(p.id(), slot);
            }
            slots.clear();
            slots.putAll(reordered);
        }
        startSpread(starting);
        config = loaded.config();
        shard = loaded.shard();
        String message = "added " + added + ", removed " + removed + ", changed " + changed
                + (problems.isEmpty() ? "" : "; not started: " + String.join("; ", problems));
        lastLoad = "reloaded at " + time.now() + ": " + message;
        LOG.info("{}: reload: {}", Event.MONITORS_LOADED, message);
        return new Reload(ReloadOutcome.RELOADED, message, added, removed, changed);
    }

    /** Whether a loaded monitor runs as the new load has it: the same config (wherever it was written) and plan. */
    private static boolean same(Slot slot, Fleet.Prepared p) {
        return slot.config().withOrigin("").equals(p.config().withOrigin("")) && Objects.equals(slot.plan(), p.plan());
    }

    private synchronized void doneChanging() {
        changing = false;
    }

    /** Starts a loaded monitor that was stopped by {@link #stop(String)}. */
    public Control start(String id) {
        Slot slot;
        synchronized (this) {
            slot = slots.get(id);
            if (slot == null) {
                return Control.UNKNOWN_ID;
            }
            if (!slot.stopped()) {
                return Control.ALREADY;
            }
            if (changing || closed) {
                return Control.BUSY;
            }
            changing = true;
        }
        try {
            Monitor monitor = fleet.build(fleet.prepare(slot.config(), slot.plan()), levelClock, queries);
            synchronized (this) {
                slots.put(id, new Slot(slot.config(), slot.plan(), monitor));
            }
            monitor.start(Duration.ZERO); // logs monitor-started
            return Control.DONE;
        } finally {
            doneChanging();
        }
    }

    /** Stops a monitor without unloading it: it stays listed, and {@link #start(String)} starts it again. */
    public Control stop(String id) {
        Slot slot;
        synchronized (this) {
            slot = slots.get(id);
            if (slot == null) {
                return Control.UNKNOWN_ID;
            }
            if (slot.stopped()) {
                return Control.ALREADY;
            }
            if (changing || closed) {
                return Control.BUSY;
            }
            changing = true;
        }
        try {
            slot.monitor().stop(MONITOR_STOP);
            return Control.DONE;
        } finally {
            doneChanging();
        }
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
    /**
     * SIGHUP reloads the monitors, as {@code POST /monitors/reload} does (instead of stopping the JVM);
     * SIGUSR1 toggles debug logging, as in Blip.
     */
    private void installSignals() {
        try {
            SignalHandler was = Signal.handle(new Signal("HUP"),
                    signal -> Thread.ofVirtual().name("blip-reload").start(this::reload));
            if (was == SignalHandler.SIG_IGN) {
                // The JVM keeps a signal ignored that was ignored when it started (nohup does that).
                LOG.info("SIGHUP was ignored when Blip started (nohup?) and stays so; reload with POST /monitors/reload");
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("SIGHUP cannot reload monitors on this system ({}); use POST /monitors/reload", e.getMessage());
        }
        try {
            Signal.handle(new Signal("USR1"), signal -> Logging.toggleDebug());
        } catch (IllegalArgumentException e) {
            LOG.warn("SIGUSR1 cannot toggle debug logging on this system ({}); use GET /debug", e.getMessage());
        }
    }

    private void installShutdownHook() {
        // The backend stops last, after the sinks' last flush and its lines ("collections not sent").
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("blip-stop").unstarted(() -> {
            close();
            Logging.stop();
        }));
    }

    /** Stops every monitor (in parallel, within {@value #STOP_SECONDS} s in all) and releases everything. */
    @Override
    public void close() {
        List<Monitor> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = monitors();
            if (api != null) {
                api.close();
            }
        }
        stopAll(all, Duration.ofSeconds(STOP_SECONDS - 1));
        if (levelClock != null) {
            levelClock.close();
        }
        if (queries != null) {
            queries.shutdownNow();
        }
        LOG.info("{}", Event.SERVER_STOPPED);
        stopped.countDown();
    }

    /** Stops the monitors in parallel, each within {@code within}; returns when all have, or a second later. */
    private void stopAll(List<Monitor> monitors, Duration within) {
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
    }
}
