package io.blip.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.blip.api.MonitorHealth;
import io.blip.api.Secret;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.Credentials;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.runtime.mysql.MonitorPool;
import io.blip.runtime.mysql.MysqlConnector;
import io.blip.runtime.mysql.TestMonitors;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.VirtualTime;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A monitor's life in virtual time: connect backoff, level scheduling from the first tick, and
 * stopping while a collection is in flight. MySQL is the embedded MariaDB (or a closed port); the
 * collector is the test's, which notes the level and the time of each collection.
 */
class MonitorTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String DOMAIN = Recorder.DOMAIN;

    private final VirtualTime time = new VirtualTime(START);
    private final LevelClock levelClock = new LevelClock(time);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch release = new CountDownLatch(1);
    /** Released when a blocking recorder begins to wait for the release. */
    private final Semaphore entered = new Semaphore(0);
    /** Each collection: level @ seconds since START. */
    private final List<String> collected = new CopyOnWriteArrayList<>();
    private final List<Monitor> monitors = new ArrayList<>();

    @AfterEach
    void stop() {
        release.countDown();
        monitors.forEach(m -> m.stop(Duration.ZERO));
        levelClock.close();
        executor.shutdownNow();
    }

    /** A plan of a 1 s and a 5 s level, both collecting the recorder (as levelling makes it). */
    private static Plan plan() {
        Domain d = new Domain(DOMAIN, List.of("value"), Map.of(), Map.of());
        Map<String, Level> levels = new LinkedHashMap<>();
        levels.put("fast", new Level("fast", Duration.ofSeconds(1), Map.of(DOMAIN, d)));
        levels.put("slow", new Level("slow", Duration.ofSeconds(5), Map.of(DOMAIN, d)));
        return new Plan("p", "test", levels);
    }

    private CollectorFactory recorder(boolean blocks) {
        return Recorder.factory(collected, START, blocks ? () -> {
            entered.release();
            release.await();
        } : () -> { });
    }

    private Monitor monitor(String hostPort, boolean blocks) {
        MysqlConfig mysql = new MysqlConfig(hostPort, "", "", "blip_monitor", Secret.of("pw"), "",
                Duration.ofSeconds(5), "");
        MonitorConfig config = TestMonitors.monitor("m1", "monitors[0]", mysql, TlsConfig.EMPTY);
        MysqlConnector connector = TestMonitors.connector(config,
                reason -> Credentials.of("blip_monitor", Secret.of("pw")), Duration.ofSeconds(5), List.of(), time);
        MonitorPool pool = new MonitorPool(config.id(), connector, Duration.ofSeconds(5), time);
        Monitor m = new Monitor(config, plan(), Map.of(DOMAIN, recorder(blocks)), CollectorContext.of(config, pool, time),
                pool, List.of(), levelClock, executor, time);
        monitors.add(m);
        return m;
    }

    /** A monitor whose first collection, made on connecting, waits in the recorder for the release. */
    private Monitor collectingWhenConnected() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("blip_monitor", "pw", "PROCESS ON *.*");
        Monitor m = monitor(db.hostPort(), true);
        m.start(Duration.ZERO);
        entered.acquire(); // the recorder runs, on the collection's own thread
        return m;
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aMonitorThatCannotConnectBacksOffInStepsGrowingOneAndAHalfTimesToFifteenSeconds() throws Exception {
        assertBackoff(0.5, new long[] {500, 750, 1125, 1687, 2531, 3796, 5695, 8542, 12814, 15000, 15000});
    }

    @Test
    void theBackoffsJitterTakesAtMostHalfAStep() throws Exception {
        assertBackoff(0.0, new long[] {250, 375, 562, 843, 1265, 1898, 2847, 4271, 6407, 7500, 7500});
    }

    @Test
    void theBackoffsJitterAddsAtMostHalfAStepAndNeverGoesPastTheCap() throws Exception {
        assertBackoff(0.999_999, new long[] {749, 1124, 1687, 2530, 3796, 5693, 8542, 12812, 15000, 15000});
    }

    /** Each attempt of a monitor whose MySQL is not there comes exactly {@code gaps} ms after the last. */
    private void assertBackoff(double jitter, long[] gaps) throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Monitor m = monitor("127.0.0.1:" + closedPort, false);
        m.jitter(() -> jitter);
        CompletionStage<MonitorHealth> next = m.nextHealth();
        Instant at = time.now();
        m.start(Duration.ZERO);
        MonitorHealth first = get(next);
        assertEquals(at, first.time(), "the first attempt at once");
        assertFalse(first.up());
        for (long gap : gaps) {
            next = m.nextHealth();
            time.awaitWaiters(2, WAIT); // the level clock, and the monitor backing off
            time.advance(Duration.ofMillis(gap - 1));
            time.awaitWaiters(2, WAIT);
            assertFalse(next.toCompletableFuture().isDone(), "no attempt 1 ms before the " + gap + " ms backoff ends");
            time.advance(Duration.ofMillis(1));
            at = at.plusMillis(gap);
            assertEquals(at, get(next).time(), "an attempt " + gap + " ms after the last");
        }
        assertEquals(Monitor.State.CONNECTING, m.state());
        assertEquals(List.of(), collected);
    }

    @Test
    void everyLevelIsCollectedOnConnectingThenEachLevelAtItsFrequency() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("blip_monitor", "pw", "PROCESS ON *.*");
        Monitor m = monitor(db.hostPort(), false);
        CompletionStage<MonitorHealth> first = m.nextHealth();
        m.start(Duration.ZERO);
        MonitorHealth h = get(first);
        assertEquals(List.of("slow @0"), collected, "at once, not a whole interval after connecting");
        for (int s = 1; s <= 10; s++) {
            CompletionStage<MonitorHealth> next = m.nextHealth();
            time.awaitWaiters(1, WAIT); // the level clock, back asleep after the last tick
            time.advance(Duration.ofSeconds(1));
            h = get(next);
        }
        assertEquals(List.of("slow @0", "fast @1", "fast @2", "fast @3", "fast @4", "slow @5", "fast @6", "fast @7",
                "fast @8", "fast @9", "slow @10"), collected);
        assertEquals(Map.of("fast", 8L, "slow", 3L), Map.of("fast", h.levels().get("fast").collections(),
                "slow", h.levels().get("slow").collections()));
        assertEquals(Duration.ZERO, h.levels().get("fast").lastDuration(), "no virtual time passes in a collection");
        assertEquals(Map.of(DOMAIN, 0L), h.errors());
    }

    @Test
    void stoppingWaitsForTheCollectionInFlight() throws Exception {
        Monitor m = collectingWhenConnected();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> m.stop(Duration.ofSeconds(5)),
                task -> Thread.ofVirtual().start(task));
        time.awaitWaiters(2, WAIT); // the level clock, and stop waiting for the collection
        assertFalse(stopped.isDone(), "a collection is in flight");
        release.countDown();
        stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Monitor.State.STOPPED, m.state());
        assertEquals(START, time.now(), "it waited for the collection, not for time to pass");
    }

    @Test
    void stoppingGivesUpOnTheCollectionInFlightAtItsDeadline() throws Exception {
        Monitor m = collectingWhenConnected();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> m.stop(Duration.ofMillis(500)),
                task -> Thread.ofVirtual().start(task));
        time.awaitWaiters(2, WAIT);
        time.advance(Duration.ofMillis(499));
        time.awaitWaiters(2, WAIT);
        assertFalse(stopped.isDone(), "1 ms left");
        time.advance(Duration.ofMillis(1));
        stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Monitor.State.STOPPED, m.state());
        assertEquals(List.of("slow @0"), collected);
    }
}
