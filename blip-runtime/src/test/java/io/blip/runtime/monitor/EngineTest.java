package io.blip.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.testkit.LogEvents;
import io.blip.testkit.VirtualTime;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's rules with collectors that stand in for MySQL (the engine, not MySQL, is under
 * test): parallel domains, time limits (in virtual time), error policies, partial success.
 */
class EngineTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
    private final LevelClock clock = new LevelClock(time);
    /** Tasks the engine handed to threads other than the collection's own. */
    private final AtomicInteger handedOut = new AtomicInteger();
    /** Released each time such a task has ended. */
    private final Semaphore ended = new Semaphore(0);
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(task -> {
        handedOut.incrementAndGet();
        return Thread.ofVirtual().unstarted(() -> {
            try {
                task.run();
            } finally {
                ended.release();
            }
        });
    });
    private final CountDownLatch release = new CountDownLatch(1);
    /** Released when a blocking collector begins to wait for the release. */
    private final Semaphore entered = new Semaphore(0);

    @AfterEach
    void stop() {
        release.countDown();
        executor.shutdownNow();
        clock.close();
    }

    private static Domain domain(String name, Map<String, String> errors) {
        return new Domain(name, List.of("value"), Map.of(), errors);
    }

    private static Plan plan(Duration freq, Domain... domains) {
        Map<String, Domain> collect = new LinkedHashMap<>();
        for (Domain d : domains) {
            collect.put(d.name(), d);
        }
        return new Plan("p", "test", Map.of("l", new Level("l", freq, collect)));
    }

    private static CollectorHelp help(String domain) {
        return CollectorHelp.builder(domain, "test").metric("value", MetricType.GAUGE, "a value")
                .error("access-denied", "no privilege", 1227).build();
    }

    private Engine engine(Plan plan, Map<String, Collector> collectors) {
        Map<String, CollectorHelp> helps = new LinkedHashMap<>();
        collectors.keySet().forEach(d -> helps.put(d, help(d)));
        return new Engine("m1", plan, collectors, helps, executor, clock, time);
    }

    private static Collector returning(double v) {
        return new Collector() {
            @Override
            public void prepare(Plan plan) {
            }

            @Override
            public List<MetricValue> collect(String level) {
                return List.of(MetricValue.gauge("value", v));
            }
        };
    }

    private static Collector failing(int code, AtomicInteger calls) {
        return new Collector() {
            @Override
            public void prepare(Plan plan) {
            }

            @Override
            public List<MetricValue> collect(String level) throws SQLException {
                calls.incrementAndGet();
                throw new SQLException("Access denied; you need the REPLICATION CLIENT privilege", "42000", code);
            }
        };
    }

    private Collector blocking() {
        return blockingUntil(release);
    }

    private Collector blockingUntil(CountDownLatch release) {
        return new Collector() {
            @Override
            public void prepare(Plan plan) {
            }

            @Override
            public List<MetricValue> collect(String level) throws InterruptedException {
                entered.release();
                release.await();
                return List.of(MetricValue.gauge("value", 99));
            }
        };
    }

    private static List<String> collectErrors(LogEvents log) {
        return log.all().stream().filter(e -> e.startsWith("WARN engine-collect-error:")).toList();
    }

    private static Map<String, Double> values(Metrics m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.values().forEach((d, list) -> list.forEach(v -> out.put(d + "." + v.name(), v.value())));
        return out;
    }

    @Test
    void onAHealthyServerTheDomainsRunOneAfterAnotherOnTheCollectionsOwnThread() {
        Plan plan = plan(Duration.ofSeconds(1), domain("a", Map.of()), domain("b", Map.of()), domain("c", Map.of()));
        Engine e = engine(plan, Map.of("a", returning(1), "b", returning(2), "c", returning(3)));
        Metrics m = e.collect(plan.levels().get("l"), 1);
        assertEquals(Map.of("a.value", 1.0, "b.value", 2.0, "c.value", 3.0), values(m));
        assertEquals(List.of("a", "b", "c"), List.copyOf(m.values().keySet()), "in the plan's order");
        assertEquals(0, handedOut.get(), "no other thread, no thread waiting beside it");
    }

    @Test
    void aDomainThatMissesItsTimeLimitIsCutOffAndTheOthersAreDelivered() throws Exception {
        Plan plan = plan(Duration.ofSeconds(1), domain("fast", Map.of()), domain("stuck", Map.of()));
        Engine e = engine(plan, Map.of("fast", returning(1), "stuck", blocking()));
        CompletableFuture<Metrics> collected = CompletableFuture.supplyAsync(
                () -> e.collect(plan.levels().get("l"), 1), task -> Thread.ofVirtual().start(task));
        entered.acquire(); // fast has answered, stuck waits
        time.awaitWaiters(1, WAIT); // the clock, watching
        time.advance(Duration.ofMillis(799));
        time.awaitWaiters(1, WAIT);
        assertFalse(collected.isDone(), "stuck has 1 ms left");
        time.advance(Duration.ofMillis(1));
        Metrics m = collected.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Map.of("fast.value", 1.0), values(m));
        // 1 s level: the collection limit is 900 ms, the domain limit 800 ms.
        assertEquals(Duration.ofMillis(800), e.limits().domain("stuck"));
        assertEquals(Duration.ofMillis(800), Duration.between(m.begin(), m.end()), "dropped at its limit, not later");
        assertEquals(Map.of("fast", 0L, "stuck", 1L), e.errors());
        assertEquals(1, release.getCount(), "stuck was interrupted, not released");
    }

    @Test
    void aLevelsTimeoutIsItsCollectionsLimit() throws Exception {
        Map<String, Domain> collect = new LinkedHashMap<>();
        collect.put("fast", domain("fast", Map.of()));
        collect.put("stuck", domain("stuck", Map.of()));
        // Blip's test plans: freq 5s, timeout 1s. Without the timeout, stuck would have 4 s.
        Plan plan = new Plan("p", "test", Map.of("l", new Level("l", Duration.ofSeconds(5), collect,
                Duration.ofSeconds(1))));
        Engine e = engine(plan, Map.of("fast", returning(1), "stuck", blocking()));
        CompletableFuture<Metrics> collected = CompletableFuture.supplyAsync(
                () -> e.collect(plan.levels().get("l"), 1), task -> Thread.ofVirtual().start(task));
        entered.acquire();
        time.awaitWaiters(1, WAIT);
        time.advance(Duration.ofMillis(999));
        time.awaitWaiters(1, WAIT);
        assertFalse(collected.isDone(), "stuck has 1 ms left");
        time.advance(Duration.ofMillis(1));
        Metrics m = collected.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Map.of("fast.value", 1.0), values(m));
        assertEquals(Duration.ofSeconds(1), Duration.between(m.begin(), m.end()), "cut off at the level's timeout");
        assertEquals(Map.of("fast", 0L, "stuck", 1L), e.errors());
    }

    @Test
    void aSlowDomainHandsOverToTheNextAfter100MsAndTheCollectionWaitsWithinTheLimits() throws Exception {
        Plan plan = plan(Duration.ofSeconds(10), domain("slow", Map.of()), domain("fast", Map.of()));
        Engine e = engine(plan, Map.of("slow", blocking(), "fast", returning(1)));
        CompletableFuture<Metrics> collected = CompletableFuture.supplyAsync(
                () -> e.collect(plan.levels().get("l"), 1), task -> Thread.ofVirtual().start(task));
        entered.acquire();
        time.awaitWaiters(1, WAIT);
        time.advance(Duration.ofMillis(99));
        time.awaitWaiters(1, WAIT);
        assertEquals(0, handedOut.get(), "fast waits its turn for 100 ms");
        time.advance(Duration.ofMillis(1));
        ended.acquire(); // fast, on a thread of its own
        assertEquals(1, handedOut.get());
        time.advance(Duration.ofMillis(6900)); // 7 s of slow's 8
        time.awaitWaiters(1, WAIT);
        assertFalse(collected.isDone(), "slow is within its limit");
        release.countDown();
        Metrics m = collected.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Map.of("slow.value", 99.0, "fast.value", 1.0), values(m));
        assertEquals(List.of("slow", "fast"), List.copyOf(m.values().keySet()), "in the plan's order");
        assertEquals(Duration.ofSeconds(7), Duration.between(m.begin(), m.end()));
        assertEquals(Map.of("fast", 0L, "slow", 0L), e.errors());
    }

    @Test
    void whileManyCollectionsAreInFlightASlowDomainKeepsTheChainAndHandsOverOnceTheCrowdIsGone() throws Exception {
        LevelClock crowded = new LevelClock(time, 1); // two collections in flight are a crowd
        CountDownLatch releaseA = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);
        try {
            Plan plan = plan(Duration.ofSeconds(10), domain("slow", Map.of()), domain("fast", Map.of()));
            Map<String, CollectorHelp> helps = Map.of("slow", help("slow"), "fast", help("fast"));
            Engine a = new Engine("a", plan, Map.of("slow", blockingUntil(releaseA), "fast", returning(1)), helps,
                    executor, crowded, time);
            Engine b = new Engine("b", plan, Map.of("slow", blockingUntil(releaseB), "fast", returning(2)), helps,
                    executor, crowded, time);
            CompletableFuture<Metrics> collectedA = CompletableFuture.supplyAsync(
                    () -> a.collect(plan.levels().get("l"), 1), task -> Thread.ofVirtual().start(task));
            CompletableFuture<Metrics> collectedB = CompletableFuture.supplyAsync(
                    () -> b.collect(plan.levels().get("l"), 1), task -> Thread.ofVirtual().start(task));
            entered.acquire(2);
            time.awaitWaiters(2, WAIT); // both clocks
            time.advance(Duration.ofMillis(100));
            time.awaitWaiters(2, WAIT);
            time.advance(Duration.ofMillis(900));
            time.awaitWaiters(2, WAIT);
            assertEquals(0, handedOut.get(), "two in flight: neither slow domain hands over to a spare");
            releaseA.countDown();
            Metrics m = collectedA.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(Map.of("slow.value", 99.0, "fast.value", 1.0), values(m), "fast ran after slow, on its thread");
            time.advance(Duration.ofMillis(100)); // b alone in flight: slow hands over at the next check
            ended.acquire();
            assertEquals(1, handedOut.get());
            releaseB.countDown();
            assertEquals(Map.of("slow.value", 99.0, "fast.value", 2.0),
                    values(collectedB.get(WAIT.toSeconds(), TimeUnit.SECONDS)));
        } finally {
            releaseA.countDown();
            releaseB.countDown();
            crowded.close();
        }
    }

    @Test
    void aDomainWhoseLimitPassedBeforeItsTurnIsMissedWithoutRunning() throws Exception {
        Plan plan = plan(Duration.ofSeconds(1), domain("stuck", Map.of()), domain("late", Map.of()));
        AtomicInteger lateCalls = new AtomicInteger();
        java.util.concurrent.BlockingQueue<Runnable> held = new java.util.concurrent.LinkedBlockingQueue<>();
        Map<String, CollectorHelp> helps = Map.of("stuck", help("stuck"), "late", help("late"));
        // An executor with no thread free: what it is given waits until the test runs it.
        Engine e = new Engine("m1", plan, Map.of("stuck", blocking(), "late", failing(1227, lateCalls)), helps,
                new java.util.concurrent.AbstractExecutorService() {
                    @Override
                    public void execute(Runnable task) {
                        held.add(task);
                    }

                    @Override
                    public void shutdown() {
                    }

                    @Override
                    public List<Runnable> shutdownNow() {
                        return List.of();
                    }

                    @Override
                    public boolean isShutdown() {
                        return false;
                    }

                    @Override
                    public boolean isTerminated() {
                        return false;
                    }

                    @Override
                    public boolean awaitTermination(long timeout, TimeUnit unit) {
                        return false;
                    }
                }, clock, time);
        CompletableFuture<Metrics> collected = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> e.collect(plan.levels().get("l"), 1, collected::complete));
        entered.acquire();
        time.awaitWaiters(1, WAIT);
        time.advance(Duration.ofMillis(100)); // stuck hands over: late's turn, but no thread is free
        Runnable handedOver = held.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        time.awaitWaiters(1, WAIT);
        time.advance(Duration.ofMillis(700)); // 800 ms: both domains' limit; stuck is cut off
        time.awaitWaiters(1, WAIT);
        handedOver.run(); // late's turn comes after its limit
        Metrics m = collected.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Map.of(), values(m));
        assertEquals(0, lateCalls.get(), "not started");
        assertEquals(Map.of("late", 1L, "stuck", 1L), e.errors());
    }

    @Test
    void aDeclaredErrorFollowsItsPolicy() {
        AtomicInteger ignored = new AtomicInteger();
        AtomicInteger zeroed = new AtomicInteger();
        AtomicInteger stopped = new AtomicInteger();
        AtomicInteger undeclared = new AtomicInteger();
        Plan plan = plan(Duration.ofSeconds(5),
                domain("ok", Map.of()),
                domain("ignored", Map.of("access-denied", "ignore,drop,retry")),
                domain("zeroed", Map.of("access-denied", "report-once,zero,retry")),
                domain("stopped", Map.of("access-denied", "report,drop,stop")),
                domain("undeclared", Map.of("access-denied", "ignore,zero,stop")));
        Engine e = engine(plan, Map.of("ok", returning(7), "ignored", failing(1227, ignored),
                "zeroed", failing(1227, zeroed), "stopped", failing(1227, stopped),
                "undeclared", failing(1045, undeclared)));
        Level level = plan.levels().get("l");

        assertEquals(Map.of("ok.value", 7.0, "zeroed.value", 0.0), values(e.collect(level, 1)));
        assertEquals(Map.of("ok.value", 7.0, "zeroed.value", 0.0), values(e.collect(level, 2)));
        assertEquals(2, ignored.get());
        assertEquals(2, zeroed.get());
        assertEquals(1, stopped.get(), "stop: not collected again");
        assertEquals(2, undeclared.get(), "an error the domain does not declare is reported and retried");
    }

    @Test
    void intervalsAndTimesAreThoseOfTheCollection() {
        Plan plan = plan(Duration.ofSeconds(5), domain("ok", Map.of()));
        Engine e = engine(plan, Map.of("ok", returning(1)));
        Metrics m = e.collect(plan.levels().get("l"), 42);
        assertEquals(42, m.interval());
        assertEquals("p", m.plan());
        assertEquals("l", m.level());
        assertEquals(true, !m.end().isBefore(m.begin()));
    }

    @Test
    void errorsAreCountedPerDomainAndUpMeansMysqlWasReached() {
        AtomicInteger calls = new AtomicInteger();
        Plan plan = plan(Duration.ofSeconds(5), domain("ok", Map.of()),
                domain("denied", Map.of("access-denied", "ignore,drop,retry")));
        Engine e = engine(plan, Map.of("ok", returning(1), "denied", failing(1227, calls)));
        assertEquals(Map.of("denied", 0L, "ok", 0L), e.errors(), "every domain from the start, at zero");
        e.collect(plan.levels().get("l"), 1);
        e.collect(plan.levels().get("l"), 2);
        assertEquals(Map.of("denied", 2L, "ok", 0L), e.errors());
        assertEquals(true, e.reached(), "a domain without the privilege does not make MySQL down");

        Engine allFail = engine(plan(Duration.ofSeconds(5), domain("a", Map.of())), Map.of("a", failing(1227, calls)));
        try (LogEvents log = new LogEvents(Engine.class)) {
            allFail.collect(allFail.plan().levels().get("l"), 1);
            assertEquals(List.of("WARN engine-collect-error: monitor m1: level l: 1 of 1 domains failed; no values to"
                    + " send"), collectErrors(log), "a collection with nothing in it, which no sink is given");
        }
        assertEquals(false, allFail.reached(), "nothing came back");
    }

    @Test
    void aLostOrRefusedConnectionIsNotReachedEvenWhenAnotherDomainAnswered() {
        Plan plan = plan(Duration.ofSeconds(5), domain("ok", Map.of()), domain("lost", Map.of()));
        Engine e = engine(plan, Map.of("ok", returning(1), "lost", new Collector() {
            @Override
            public void prepare(Plan p) {
            }

            @Override
            public List<MetricValue> collect(String level) throws SQLException {
                throw new SQLException("Communications link failure", "08S01", 0);
            }
        }));
        try (LogEvents log = new LogEvents(Engine.class)) {
            e.collect(plan.levels().get("l"), 1);
            assertEquals(List.of("WARN engine-collect-error: monitor m1: level l: 1 of 2 domains failed; MySQL was not"
                    + " reached; values kept from 1 domain"), collectErrors(log), "the values of the domain that answered go on");
        }
        assertEquals(false, e.reached());
        assertEquals(true, Engine.isConnectionFailure(new RuntimeException(new SQLException("denied", "28000", 1045))));
        assertEquals(true, Engine.isConnectionFailure(new SQLException("gone", "HY000", 2013)));
        assertEquals(false, Engine.isConnectionFailure(new SQLException("no such table", "42S02", 1146)));
    }
}
