package io.blip.runtime.monitor;

import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.PlanChangeConfig;
import io.blip.api.ha.HaManager;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import io.blip.runtime.event.Event;
import io.blip.runtime.heartbeat.HeartbeatWriter;
import io.blip.runtime.plan.MonitorPlans;
import io.blip.runtime.plan.DefaultPlans;
import io.blip.runtime.prom.ExporterListener;
import io.blip.runtime.prom.ExporterScrape;
import io.blip.runtime.prom.WebConfig;
import io.blip.runtime.mysql.MonitorPool;
import io.blip.runtime.delivery.SinkQueue.Lane;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one MySQL instance: connects, prepares its plan's collectors, then collects the levels
 * that are due at each tick of the shared {@link LevelClock} (every level at once when it has
 * connected) and hands each collection to its sinks. One collection at a time: a tick that comes
 * while the last collection is still running is skipped, so sinks see intervals in order.
 * Connecting and preparing retry with backoff for as long as the monitor runs (Blip's steps: 0.5 s,
 * growing 1.5 times, ±50 % jitter; capped at 15 s, where Blip waits up to 20 s): a MySQL that is down at
 * start is picked up when it comes up. After every collection and every failed
 * attempt to connect, the sinks get the monitor's {@link MonitorHealth}. Backoff, time limits and stopping run on the {@link Time} the monitor is
 * given (virtual in tests).
 *
 * <p>With plan changing ({@code plans.change}), a {@link PlanChanger} checks MySQL's state every
 * second on a thread of its own (an HA manager's standby, else {@code @@read_only}, else active;
 * offline when the query fails) and, when a new state has lasted its {@code after}, the monitor
 * prepares that state's plan on new collectors and swaps plan, engine and schedule between two
 * collections; the schedule starts again at the next second, with every level. A state without
 * a plan pauses collection ({@code lco-paused}) until a later switch ({@code lco-running}).
 */
public final class Monitor implements LevelClock.Ticker {
    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

    /** Where a monitor is in its life. */
    public enum State { NEW, CONNECTING, RUNNING, STOPPED }

    /** What the monitor collects now: a plan, its engine and schedule, and the second its schedule starts. */
    private record Collecting(Plan plan, Engine engine, LevelSchedule schedule, long startSecond) {
        Collecting from(long second) {
            return new Collecting(plan, engine, schedule, second);
        }
    }

    private static final String STATE_QUERY = "SELECT @@GLOBAL.read_only";

    private final MonitorConfig config;
    private final MonitorPool pool;
    private final Map<String, CollectorFactory> factories;
    private final CollectorContext context;
    /** Null when paused (a state without a plan) or, with plan changing, before the first state is known. */
    private volatile Collecting current;
    /** Null without plan changing. */
    private final PlanChanger changer;
    private final HaManager ha;
    /** Whether a state check is running (one at a time). */
    private final java.util.concurrent.atomic.AtomicBoolean checking = new java.util.concurrent.atomic.AtomicBoolean();
    private CompletableFuture<String> nextCheck = new CompletableFuture<>(); // guarded by collection
    /** Writes heartbeats once the monitor runs, when {@code heartbeat.freq} is set. */
    private final java.util.Optional<HeartbeatWriter> heartbeat;
    /** Where the backoff's jitter comes from: a number in [0, 1); a test pins it. */
    private volatile DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
    private final List<Lane<?>> sinks;
    private final LevelClock levelClock;
    /** Where collections and their domains' queries run ({@link QueryThreads} at run time). */
    private final ExecutorService threads;
    private final Time time;
    // Guarded by this: the scrapes in mysqld_exporter's format, made at the first, and the monitor's own listener.
    private Plan exporterPlan = DefaultPlans.defaultExporter();
    private Duration exporterTimeout = Duration.ofSeconds(10);
    private ExporterScrape exporter;
    private ExporterListener listener;
    /** With {@code exporter.serve-latest}: the last collection of each level, for its scrapes. */
    private volatile boolean keepLatest;
    private final Map<String, Metrics> latest = new ConcurrentHashMap<>();
    private final Map<String, MonitorHealth.Level> levelHealth = new ConcurrentHashMap<>();
    private volatile Instant started;
    private volatile MonitorHealth lastHealth;
    /** Guards {@link #collecting}; notified when a collection ends. */
    private final Object collection = new Object();
    private boolean collecting;
    private final CompletableFuture<Void> running = new CompletableFuture<>();
    private CompletableFuture<MonitorHealth> nextHealth = new CompletableFuture<>(); // guarded by collection
    private final AtomicLong interval = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile State state = State.NEW;
    /** The last second {@link #tick} acted on. */
    private final AtomicLong lastTick = new AtomicLong(Long.MIN_VALUE);
    private volatile String lastError = "";
    private Thread starter; // guarded by this

    /**
     * Makes the monitor's collectors (no I/O: factories are cheap) and takes ownership of the pool
     * and of its lanes into the sinks.
     */
    public Monitor(MonitorConfig config, Plan leveledPlan, Map<String, CollectorFactory> factories,
                   CollectorContext context, MonitorPool pool, List<Lane<?>> sinks, LevelClock levelClock,
                   ExecutorService threads, Time time) {
        this(config, MonitorPlans.of(leveledPlan), NOT_STANDBY, factories, context, pool, sinks, levelClock, threads,
                time);
    }

    /**
     * A monitor that changes plans by MySQL's state when {@code plans} says so.
     *
     * @param ha whether the instance is a standby ({@link #NOT_STANDBY} when no HA manager is installed)
     */
    public Monitor(MonitorConfig config, MonitorPlans plans, HaManager ha, Map<String, CollectorFactory> factories,
                   CollectorContext context, MonitorPool pool, List<Lane<?>> sinks, LevelClock levelClock,
                   ExecutorService threads, Time time) {
        this.config = config;
        this.pool = pool;
        this.factories = Map.copyOf(factories);
        this.context = context;
        this.ha = ha;
        this.sinks = List.copyOf(sinks);
        this.levelClock = levelClock;
        this.threads = threads;
        this.time = time;
        this.changer = plans.changing() ? new PlanChanger(config.id(), plans, this::switchTo, time) : null;
        this.current = plans.changing() ? null : collecting(plans.plan());
        this.heartbeat = HeartbeatWriter.of(config, pool, time);
    }

    /** Blip's HA manager when none is installed: never a standby. */
    public static final HaManager NOT_STANDBY = () -> false;

    /** A plan's engine on new collectors (no I/O) and its schedule. */
    private Collecting collecting(Plan leveledPlan) {
        Map<String, Collector> collectors = new LinkedHashMap<>();
        Map<String, CollectorHelp> helps = new LinkedHashMap<>();
        for (Level level : leveledPlan.levels().values()) {
            for (Domain domain : level.collect().values()) {
                CollectorFactory f = factories.get(domain.name());
                if (f != null && !collectors.containsKey(domain.name())) {
                    collectors.put(domain.name(), f.make(context));
                    helps.put(domain.name(), f.help());
                }
            }
        }
        Engine engine = new Engine(config.id(), leveledPlan, collectors, helps, threads, levelClock, time);
        return new Collecting(leveledPlan, engine, new LevelSchedule(leveledPlan), 0);
    }

    public String id() {
        return config.id();
    }

    public MonitorConfig config() {
        return config;
    }

    /** The plan collected now; null while paused, or with plan changing before the first state is known. */
    public Plan plan() {
        Collecting c = current;
        return c == null ? null : c.plan();
    }

    public State state() {
        return state;
    }

    public String lastError() {
        return lastError;
    }

    public String redactedDsn() {
        return pool.redactedDsn();
    }

    /**
     * Starts connecting in the background, {@code after} from now (so that many monitors do not all
     * connect at once); collection begins once the plan is prepared.
     */
    public synchronized void start(Duration after) {
        if (state != State.NEW) {
            return;
        }
        state = State.CONNECTING;
        started = time.now();
        starter = Thread.ofVirtual().name("monitor-start-" + id()).start(() -> connectAndPrepare(after));
        LOG.info("{}: monitor {}: connecting in {} ms", Event.MONITOR_STARTED, id(), after.toMillis());
    }

    private void connectAndPrepare(Duration after) {
        try {
            connectAndPrepareLoop(after);
        } finally {
            synchronized (this) {
                starter = null; // an ended thread keeps its stack; 1,000 monitors would keep 1,000
            }
        }
    }

    private void connectAndPrepareLoop(Duration after) {
        try {
            time.sleep(after);
        } catch (InterruptedException e) {
            return; // stopped before it started
        }
        Duration step = FIRST_BACKOFF;
        Duration backoff = step;
        LOG.info("{}: monitor {}: connecting to {}", Event.CONNECTING, id(), pool.redactedDsn());
        while (state == State.CONNECTING) {
            try {
                // A login, or an idle connection the pool has checked: no ping on top.
                pool.getConnection().close();
                if (changer == null) {
                    current.engine().prepare();
                } else {
                    changer.start(observeState());
                }
                // The first collection, made at once, stands for the nearest whole second: connected at
                // .95, it is the next second's, so that the clock's tick 50 ms later does not find it
                // running and skip (a missed interval in the log at every start).
                Instant at = time.now();
                long now = at.getEpochSecond() + (at.getNano() >= 500_000_000 ? 1 : 0);
                synchronized (this) {
                    if (state != State.CONNECTING) {
                        return; // stopped meanwhile
                    }
                    Collecting c = current;
                    if (c != null) {
                        current = c.from(now);
                    }
                    state = State.RUNNING;
                    if (changer != null || (current != null && !current.schedule().levels().isEmpty())) {
                        levelClock.register(this); // not a monitor that only serves scrapes (exporter.mode legacy)
                    }
                    heartbeat.ifPresent(HeartbeatWriter::start);
                }
                lastError = "";
                logCollecting(Event.CONNECTED);
                // The first collection at once, of every level, not a whole interval later.
                tick(now);
                return;
            } catch (Exception e) {
                // Connected but not prepared: Blip's engine-prepare-error; not connected: its monitor-error.
                boolean prepared = e instanceof Engine.PrepareException;
                lastError = prepared ? Engine.message(e) : Engine.connectMessage(e);
                Event event = prepared ? Event.ENGINE_PREPARE_ERROR : Event.MONITOR_ERROR;
                backoff = jittered(step);
                LOG.warn("{}: monitor {}: not ready: {}; retrying in {} s", event, id(), lastError,
                        String.format(Locale.ROOT, "%.1f", backoff.toMillis() / 1000.0));
                if (state == State.CONNECTING) {
                    announce(offerHealth(false));
                }
            }
            try {
                time.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            step = step.multipliedBy(3).dividedBy(2);
            if (step.compareTo(MAX_BACKOFF) > 0) {
                step = MAX_BACKOFF;
            }
        }
    }

    /** A step of the connect backoff, ±50 % at random (1,000 monitors of one host do not retry together), at most the cap. */
    private Duration jittered(Duration step) {
        long ms = (long) (step.toMillis() * (0.5 + jitter.getAsDouble()));
        return ms > MAX_BACKOFF.toMillis() ? MAX_BACKOFF : Duration.ofMillis(ms);
    }

    /** Pins the backoff's jitter (0.5: none; 0 and 1: its least and most), so that a test knows the steps. */
    void jitter(DoubleSupplier source) {
        this.jitter = source;
    }

    private void logCollecting(Event event) {
        Collecting c = current;
        if (c == null) {
            LOG.info("{}: monitor {}: collecting nothing: state {} has no plan", event, id(), changer.state());
            return;
        }
        if (c.schedule().levels().isEmpty() && listener != null) {
            LOG.info("{}: monitor {}: serving scrapes only (exporter.mode legacy) of plan {}", event, id(),
                    exporterPlan.name());
            return;
        }
        LOG.info("{}: monitor {}: collecting plan {} (levels: {})", event, id(), c.plan().name(),
                c.schedule().levels().stream().map(l -> l.name() + " " + l.freq().toSeconds() + "s").toList());
    }

    // ------------------------------------------------------------------------------ plan changing

    /**
     * MySQL's state as Blip sees it: {@code standby} when the HA manager says so, else
     * {@code read-only} when {@code @@read_only} is on, else {@code active}; {@code offline} when
     * the query fails. Blip also selects {@code @@super_read_only}, which MariaDB does not have (so
     * that every MariaDB would be offline); MySQL turns {@code read_only} on with it, so
     * {@code read_only} alone tells both servers apart.
     */
    private String observeState() {
        try {
            if (ha.standby()) {
                return PlanChangeConfig.STANDBY;
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: monitor {}: the HA manager failed; taking the instance as not a standby: {}",
                    Event.MONITOR_ERROR, id(), Engine.message(e));
        }
        try (var c = pool.getConnection(); var st = c.createStatement()) {
            st.setQueryTimeout(5);
            try (var rs = st.executeQuery(STATE_QUERY)) {
                return rs.next() && rs.getLong(1) != 0 ? PlanChangeConfig.READ_ONLY : PlanChangeConfig.ACTIVE;
            }
        } catch (Exception e) {
            LOG.debug("monitor {}: state check: {}", id(), Engine.message(e));
            return PlanChangeConfig.OFFLINE;
        }
    }

    /** One state check, on a thread of its own; the next may start once it has ended. */
    private void checkState(long epochSecond) {
        String observed = PlanChangeConfig.OFFLINE;
        try {
            observed = observeState();
            if (state == State.RUNNING) {
                changer.observe(observed, epochSecond);
            }
        } catch (RuntimeException e) {
            LOG.error("{}: monitor {}: plan changer: {}", Event.MONITOR_PANIC, id(), e.toString());
        } finally {
            checking.set(false);
            CompletableFuture<String> was;
            synchronized (collection) {
                was = nextCheck;
                nextCheck = new CompletableFuture<>();
            }
            was.complete(observed);
        }
    }

    /**
     * Collects {@code plan} from the next second on, or pauses when it is empty: the new plan's
     * collectors are prepared first (a failure leaves the current plan running), then plan, engine
     * and schedule are swapped once no collection is in flight.
     */
    private void switchTo(String newState, Optional<Plan> plan) throws Exception {
        Collecting next = null;
        if (plan.isPresent()) {
            next = collecting(plan.get());
            try {
                next.engine().prepare();
            } catch (Exception e) {
                next.engine().close();
                throw e;
            }
        }
        Collecting old;
        synchronized (collection) {
            while (collecting && state != State.STOPPED) {
                time.await(collection, time.nanoTime() + Duration.ofSeconds(1).toNanos());
            }
            if (state == State.STOPPED) {
                if (next != null) {
                    next.engine().close();
                }
                return;
            }
            old = current;
            long last = lastTick.get();
            current = next == null ? null : next.from(last == Long.MIN_VALUE ? 0 : last + 1);
        }
        if (old != null) {
            old.engine().close();
        }
        if (next == null && (old != null || state != State.RUNNING)) {
            LOG.info("{}: monitor {}: state {} has no plan", Event.LCO_PAUSED, id(), newState);
        } else if (next != null && old == null && state == State.RUNNING) {
            LOG.info("{}: monitor {}: state {}, plan {}", Event.LCO_RUNNING, id(), newState, next.plan().name());
        }
    }

    /** Completes with the state observed by the next state check, once it has acted on it (plan changing only). */
    public CompletionStage<String> nextStateCheck() {
        synchronized (collection) {
            return nextCheck.minimalCompletionStage();
        }
    }

    @Override
    public void tick(long epochSecond) {
        if (state != State.RUNNING || !advanceTick(epochSecond)) {
            return; // not running, or this second was collected already (the first collection and the clock)
        }
        collectDue(epochSecond);
        // After the collection has begun: a switch the check makes waits for it to end.
        if (changer != null && changer.due(epochSecond) && checking.compareAndSet(false, true)) {
            Thread.ofVirtual().name("plan-changer-" + id()).start(() -> checkState(epochSecond));
        }
    }

    /** Starts collecting the levels due at {@code epochSecond}, if any and no collection is in flight. */
    private void collectDue(long epochSecond) {
        Collecting c = current;
        if (c == null) {
            return; // paused
        }
        long elapsed = epochSecond - c.startSecond();
        if (elapsed < 0) {
            return;
        }
        List<Level> due = c.schedule().due(elapsed);
        if (due.isEmpty()) {
            return;
        }
        boolean busy;
        synchronized (collection) {
            if (current != c) {
                return; // the plan changed meanwhile; its schedule starts at the next second
            }
            busy = collecting;
            collecting = true;
        }
        if (busy) {
            long n = skipped.incrementAndGet();
            LOG.warn("monitor {}: the last collection is still running; skipped level {} ({} skipped so far)", id(),
                    due.getLast().name(), n);
            return;
        }
        pool.collectionBegins(); // one try at a new connection per collection, however many domains borrow
        threads.execute(() -> collectFrom(c, due, 0));
    }

    /** Whether {@code epochSecond} is later than any second ticked before (and is now the last). */
    private boolean advanceTick(long epochSecond) {
        long was;
        do {
            was = lastTick.get();
            if (was >= epochSecond) {
                return false;
            }
        } while (!lastTick.compareAndSet(was, epochSecond));
        return true;
    }

    /**
     * Collects {@code due.get(i)}, sends it, then goes on with the next level; after the last, ends
     * the collection. The engine calls back on the thread that ended the level's collection.
     */
    private void collectFrom(Collecting c, List<Level> due, int i) {
        Level level = due.get(i);
        try {
            c.engine().collect(level, interval.incrementAndGet(), metrics -> {
                try {
                    send(level, metrics);
                } catch (RuntimeException e) {
                    LOG.error("{}: monitor {}: level {} not sent: {}", Event.LCO_RECEIVER_PANIC, id(), level.name(),
                            e.toString());
                }
                if (i + 1 < due.size()) {
                    collectFrom(c, due, i + 1);
                } else {
                    endCollection(c);
                }
            });
        } catch (RuntimeException e) {
            LOG.error("{}: monitor {}: level {} not collected: {}", Event.LCO_COLLECT_PANIC, id(), level.name(),
                    e.toString());
            endCollection(c);
        }
    }

    private void endCollection(Collecting c) {
        pool.collectionEnds();
        MonitorHealth health = null;
        try {
            if (state == State.RUNNING) {
                health = offerHealth(c.engine().reached());
            }
        } finally {
            synchronized (collection) {
                collecting = false;
                collection.notifyAll();
            }
        }
        if (health != null) {
            announce(health);
            running.complete(null);
        }
    }

    private void send(Level level, Metrics metrics) {
        if (keepLatest) {
            latest.put(level.name(), metrics);
        }
        levelHealth.merge(level.name(), new MonitorHealth.Level(1, Duration.between(metrics.begin(), metrics.end())),
                (was, now) -> new MonitorHealth.Level(was.collections() + 1, now.lastDuration()));
        if (metrics.values().isEmpty()) {
            LOG.debug("monitor {}: level {} collected nothing", id(), level.name());
            return;
        }
        if (state != State.RUNNING) {
            return;
        }
        for (Lane<?> sink : sinks) {
            sink.offer(metrics);
        }
    }

    /** The monitor's health now; {@code up} as given. */
    MonitorHealth health(boolean up) {
        Map<String, MonitorHealth.Level> levels = new LinkedHashMap<>();
        Collecting c = current;
        for (Level level : c == null ? List.<Level>of() : c.schedule().levels()) {
            MonitorHealth.Level h = levelHealth.get(level.name());
            if (h != null) {
                levels.put(level.name(), h);
            }
        }
        Instant now = time.now();
        Instant since = started == null ? now : started;
        return new MonitorHealth(id(), now, since, up, levels, c == null ? Map.of() : c.engine().errors(), skipped.get(),
                sinks.stream().map(Lane::counts).toList());
    }

    /** The health the sinks were last given, if any yet. */
    public java.util.Optional<MonitorHealth> lastHealth() {
        return java.util.Optional.ofNullable(lastHealth);
    }

    /**
     * Completes once the monitor has connected, prepared its plan and made its first collection;
     * never when it stops first.
     */
    public CompletionStage<Void> running() {
        return running.minimalCompletionStage();
    }

    /**
     * Completes with the next health the sinks are given: after the next failed attempt to connect,
     * or once the next collection has ended (so that the next tick collects again).
     */
    public CompletionStage<MonitorHealth> nextHealth() {
        synchronized (collection) {
            return nextHealth.minimalCompletionStage();
        }
    }

    private MonitorHealth offerHealth(boolean up) {
        MonitorHealth h = health(up);
        lastHealth = h;
        for (Lane<?> sink : sinks) {
            sink.offerHealth(h);
        }
        return h;
    }

    private void announce(MonitorHealth h) {
        CompletableFuture<MonitorHealth> was;
        synchronized (collection) {
            was = nextHealth;
            nextHealth = new CompletableFuture<>();
        }
        was.complete(h);
    }

    /** Its scrapes collect this plan ({@code exporter.plan}) within this time ({@code exporter.scrape-timeout}). */
    public synchronized void exportWith(Plan plan, Duration scrapeTimeout) {
        exporterPlan = plan;
        exporterTimeout = scrapeTimeout;
    }

    /**
     * {@code exporter.serve-latest}: its scrapes answer from {@link #latestMatching()} when it has a
     * collection to give, instead of querying again.
     */
    public void serveLatest() {
        keepLatest = true;
        exporter().serveLatest(this::latestMatching);
    }

    /**
     * The latest collection of a level of the plan it runs now that collects every domain of the
     * exporter plan's level as that level does (the same metrics and options), while younger than
     * that level's interval; empty when it has none (then a scrape collects).
     */
    Optional<Metrics> latestMatching() {
        Collecting c = current;
        Plan scraped;
        synchronized (this) {
            scraped = exporterPlan;
        }
        if (c == null || scraped == null) {
            return Optional.empty();
        }
        Instant now = time.now();
        for (Level level : c.schedule().levels()) {
            Metrics m = ExporterScrape.answers(level, scraped) ? latest.get(level.name()) : null;
            if (m != null && m.plan().equals(c.plan().name())
                    && Duration.between(m.end(), now).compareTo(level.freq()) < 0) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * This monitor's scrapes in mysqld_exporter's format ({@code /probe}, its own listener), on its
     * connections: made at the first, with its exporter plan (Blip's {@code default-exporter} unless
     * {@link #exportWith} said otherwise), closed when the monitor stops.
     */
    public synchronized ExporterScrape exporter() {
        if (exporter == null) {
            exporter = new ExporterScrape(id(), exporterPlan, factories, context, exporterTimeout, time, threads,
                    levelClock::alarm);
        }
        return exporter;
    }

    /**
     * Serves its scrapes on a listener of its own ({@code exporter.flags}; with the TLS and basic auth of
     * {@code web}, null for none) until it stops.
     *
     * @param where the config path, for the message when the address cannot be bound
     * @throws io.blip.api.BlipException when it cannot listen there
     */
    public void listen(String listenAddress, String telemetryPath, WebConfig web, String where) {
        ExporterListener bound = ExporterListener.bind(listenAddress, telemetryPath, exporter(), where, web, time);
        synchronized (this) {
            listener = bound;
        }
    }

    /** Where its own listener listens, if it has one. */
    public synchronized java.util.Optional<java.net.InetSocketAddress> listenAddress() {
        return java.util.Optional.ofNullable(listener).map(ExporterListener::address);
    }

    /**
     * Stops collecting, waits for the collection in flight, gives the sinks what is queued and closes
     * everything, all within the given time.
     */
    public void stop(Duration within) {
        long deadline = time.nanoTime() + within.toNanos();
        synchronized (this) {
            if (state == State.STOPPED) {
                return;
            }
            state = State.STOPPED;
        }
        levelClock.unregister(this);
        synchronized (this) {
            if (starter != null) {
                starter.interrupt();
            }
        }
        heartbeat.ifPresent(HeartbeatWriter::close);
        awaitCollection(deadline);
        for (Lane<?> sink : sinks) {
            sink.close(Duration.ofNanos(Math.max(0, deadline - time.nanoTime())));
        }
        Collecting c;
        synchronized (collection) {
            c = current;
            current = null;
        }
        if (c != null) {
            c.engine().close();
        }
        synchronized (this) {
            if (listener != null) {
                listener.close();
            }
            if (exporter != null) {
                exporter.close();
            }
        }
        pool.close();
        LOG.info("{}: monitor {}: stopped", Event.MONITOR_STOPPED, id());
    }

    /** Waits for the collection in flight, if any, to end, until the deadline. */
    private void awaitCollection(long deadline) {
        synchronized (collection) {
            try {
                while (collecting && deadline - time.nanoTime() > 0) {
                    time.await(collection, deadline);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Counters for status output. */
    public Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("state", state.name().toLowerCase(Locale.ROOT));
        s.put("dsn", pool.redactedDsn());
        Collecting c = current;
        s.put("plan", c == null ? "" : c.plan().name());
        if (changer != null) {
            s.putAll(changer.status());
            if (c == null) {
                s.put("level-collector", "paused");
            }
        }
        MonitorHealth h = lastHealth;
        if (h != null) {
            s.put("up", h.up());
        }
        s.put("intervals", interval.get());
        s.put("skipped", skipped.get());
        heartbeat.ifPresent(writer -> s.put("heartbeat-writer", writer.status()));
        listenAddress().ifPresent(a -> s.put("exporter", "listening on " + a.getHostString() + ":" + a.getPort()));
        if (!lastError.isEmpty()) {
            s.put("error", lastError);
        }
        for (Lane<?> sink : sinks) {
            s.put("sink:" + sink.counts().name(), sink.status());
        }
        return s;
    }
}
