package io.blip.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.api.Secret;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.PlanChangeConfig;
import io.blip.api.config.PlanChangeConfig.StatePlan;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.Credentials;
import io.blip.api.ha.HaManager;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.runtime.mysql.MonitorPool;
import io.blip.runtime.mysql.MysqlConnector;
import io.blip.runtime.mysql.TestMonitors;
import io.blip.runtime.plan.MonitorPlans;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plan changing by MySQL's state ({@code plans.change}) in virtual time, on a MariaDB of its own
 * (the tests turn {@code read_only} on and stop the server, which would disturb the tests sharing
 * {@link EmbeddedMariaDb#shared()} in the same JVM). Plan {@code rw} has the level {@code rw},
 * plan {@code ro} the level {@code ro}, each every second; the recorder notes {@code level @second}.
 */
class PlanChangingTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DOMAIN = Recorder.DOMAIN;
    private static final Plan RW = plan("rw");
    private static final Plan RO = plan("ro");

    private static EmbeddedMariaDb db;

    private final VirtualTime time = new VirtualTime(START);
    private final LevelClock levelClock = new LevelClock(time);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> collected = new CopyOnWriteArrayList<>();
    private final List<Monitor> monitors = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        db = EmbeddedMariaDb.start();
        db.createUser("blip_monitor", "pw", "PROCESS ON *.*");
    }

    @AfterAll
    static void closeServer() {
        db.close();
    }

    @AfterEach
    void stop() {
        monitors.forEach(m -> m.stop(Duration.ZERO));
        levelClock.close();
        executor.shutdownNow();
        if (!db.isRunning()) {
            db.restart();
        }
        db.execute("SET GLOBAL read_only = 0");
    }

    private static Plan plan(String name) {
        Domain d = new Domain(DOMAIN, List.of("value"), Map.of(), Map.of());
        return new Plan(name, "test", Map.of(name, new Level(name, Duration.ofSeconds(1), Map.of(DOMAIN, d))));
    }

    /** offline: 3 s, no plan (pause); read-only: 5 s, ro; active: 2 s, rw. */
    private static MonitorPlans plans() {
        var change = new PlanChangeConfig(new StatePlan(Duration.ofSeconds(3), ""), StatePlan.NONE,
                new StatePlan(Duration.ofSeconds(5), "ro"), new StatePlan(Duration.ofSeconds(2), "rw"));
        return new MonitorPlans(RW, change, Map.of(PlanChangeConfig.READ_ONLY, RO, PlanChangeConfig.ACTIVE, RW));
    }

    private CollectorFactory recorder() {
        return Recorder.factory(collected, START, () -> { });
    }

    private Monitor monitor() {
        return monitor(plans(), Monitor.NOT_STANDBY);
    }

    private Monitor monitor(MonitorPlans plans, HaManager ha) {
        MysqlConfig mysql = new MysqlConfig(db.hostPort(), "", "", "blip_monitor", Secret.of("pw"), "",
                Duration.ofSeconds(5), "");
        MonitorConfig config = TestMonitors.monitor("m1", "monitors[0]", mysql, TlsConfig.EMPTY);
        MysqlConnector connector = TestMonitors.connector(config,
                reason -> Credentials.of("blip_monitor", Secret.of("pw")), Duration.ofSeconds(5), List.of(), time);
        MonitorPool pool = new MonitorPool(config.id(), connector, Duration.ofSeconds(5), time);
        Monitor m = new Monitor(config, plans, ha, Map.of(DOMAIN, recorder()),
                CollectorContext.of(config, pool, time), pool, List.of(), levelClock, executor, time);
        monitors.add(m);
        return m;
    }

    private Monitor started() throws Exception {
        return started(monitor());
    }

    private Monitor started(Monitor m) throws Exception {
        CompletionStage<MonitorHealth> first = m.nextHealth();
        m.start(Duration.ZERO);
        get(first);
        return m;
    }

    /** Moves one second on and waits for its state check and, if {@code collects}, its collection. */
    private String second(Monitor m, boolean collects) throws Exception {
        CompletionStage<MonitorHealth> health = m.nextHealth();
        CompletionStage<String> check = m.nextStateCheck();
        time.awaitWaiters(1, WAIT); // the level clock, asleep
        time.advance(Duration.ofSeconds(1));
        String observed = get(check);
        if (collects) {
            get(health);
        }
        return observed;
    }

    private void seconds(Monitor m, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            second(m, true);
        }
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static List<String> at(String level, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int s = from; s <= to; s++) {
            out.add(level + " @" + s);
        }
        return out;
    }

    @Test
    void readOnlyForItsAfterSwitchesToItsPlanBetweenTwoCollections() throws Exception {
        Monitor m = started();
        seconds(m, 2);
        db.execute("SET GLOBAL read_only = 1");
        assertEquals(PlanChangeConfig.READ_ONLY, second(m, true), "second 3: state-change-begin");
        for (int s = 4; s <= 7; s++) {
            second(m, true);
            assertEquals("rw", m.plan().name(), "no switch before after (5 s) at second " + s);
        }
        second(m, true); // second 8: 5 s since the state began; switch after this second's collection
        assertEquals("ro", m.plan().name());
        seconds(m, 2);
        List<String> expected = new ArrayList<>(at("rw", 0, 8));
        expected.addAll(at("ro", 9, 10));
        assertEquals(expected, collected, "the schedule starts again at the switch; no second half in each plan");
        Map<String, Object> status = m.status();
        assertEquals("ro", status.get("plan"));
        assertTrue(String.valueOf(status.get("plan-state")).startsWith("read-only since"), status.toString());
        assertEquals("running", status.get("state"), "the monitor's own state");
    }

    @Test
    void aStateThatFlipsBackBeforeItsAfterIsAborted() throws Exception {
        Monitor m = started();
        db.execute("SET GLOBAL read_only = 1");
        assertEquals(PlanChangeConfig.READ_ONLY, second(m, true));
        seconds(m, 3);
        assertTrue(String.valueOf(m.status().get("plan-state-pending")).startsWith("read-only since"));
        db.execute("SET GLOBAL read_only = 0");
        assertEquals(PlanChangeConfig.ACTIVE, second(m, true), "second 5: state-change-abort");
        seconds(m, 5);
        assertEquals(at("rw", 0, 10), collected);
        assertNull(m.status().get("plan-state-pending"));
    }

    @Test
    void startingReadOnlyCollectsTheReadOnlyPlanAtOnce() throws Exception {
        db.execute("SET GLOBAL read_only = 1");
        Monitor m = started();
        seconds(m, 2);
        assertEquals(at("ro", 0, 2), collected);
    }

    @Test
    void offlineWithNoPlanPausesAndCollectionResumesWhenMysqlIsBack() throws Exception {
        Monitor m = started();
        seconds(m, 2);
        db.stop();
        assertEquals(PlanChangeConfig.OFFLINE, second(m, true), "second 3: state-change-begin offline");
        seconds(m, 2);
        second(m, true); // second 6: offline for 3 s: lco-paused after this second's collection
        assertNull(m.plan());
        assertEquals("paused", m.status().get("level-collector"));
        db.restart();
        assertEquals(PlanChangeConfig.ACTIVE, second(m, false), "second 7: nothing collected, active begins");
        second(m, false);
        second(m, false); // second 9: active for 2 s: lco-running, from second 10
        assertEquals("rw", m.plan().name());
        seconds(m, 2);
        List<String> expected = new ArrayList<>(at("rw", 0, 6));
        expected.addAll(at("rw", 10, 11));
        assertEquals(expected, collected);
    }

    @Test
    void theHaManagerSaysStandbyBeforeReadOnlyIsLookedAt() throws Exception {
        var standby = new AtomicBoolean();
        var change = new PlanChangeConfig(StatePlan.NONE, new StatePlan(Duration.ofSeconds(1), "ro"), StatePlan.NONE,
                new StatePlan(Duration.ZERO, "rw"));
        Monitor m = started(monitor(new MonitorPlans(RW, change, Map.of(PlanChangeConfig.STANDBY, RO,
                PlanChangeConfig.ACTIVE, RW)), standby::get));
        standby.set(true);
        db.execute("SET GLOBAL read_only = 1"); // a standby is a standby, read-only or not
        assertEquals(PlanChangeConfig.STANDBY, second(m, true));
        second(m, true); // 1 s later: the switch
        seconds(m, 1);
        List<String> expected = new ArrayList<>(at("rw", 0, 2));
        expected.addAll(at("ro", 3, 3));
        assertEquals(expected, collected);
    }
}
