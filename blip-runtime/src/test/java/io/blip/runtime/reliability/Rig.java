package io.blip.runtime.reliability;

import io.blip.api.MonitorHealth;
import io.blip.api.Secret;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.runtime.monitor.LevelClock;
import io.blip.runtime.monitor.Monitor;
import io.blip.runtime.mysql.MonitorPool;
import io.blip.runtime.mysql.MysqlConnector;
import io.blip.runtime.mysql.TestMonitors;
import io.blip.testkit.TestSecrets;
import io.blip.testkit.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A monitor as boot makes one (connector, pool, engine, the one level clock) on virtual time, against a
 * real MySQL address (the embedded MariaDB, or a {@link io.blip.testkit.TcpProxy} in front of it), with
 * collectors the row's test gives. Its query threads are virtual and counted while they live.
 */
final class Rig implements AutoCloseable {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String USER = "blip_rel";
    static final String PASSWORD = TestSecrets.secret("Rig.PASSWORD", "rel-pw");

    final VirtualTime time = new VirtualTime(START);
    final LevelClock clock = new LevelClock(time);
    /** Query threads alive now. */
    final AtomicInteger liveThreads = new AtomicInteger();
    /** Query threads started so far. */
    final AtomicInteger startedThreads = new AtomicInteger();
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(task -> {
        startedThreads.incrementAndGet();
        liveThreads.incrementAndGet();
        return Thread.ofVirtual().unstarted(() -> {
            try {
                task.run();
            } finally {
                liveThreads.decrementAndGet();
            }
        });
    });
    private final List<Monitor> monitors = new ArrayList<>();
    final List<MonitorPool> pools = new ArrayList<>();

    /** A plan of one level collecting the given domains every {@code freq}. */
    static Plan plan(Duration freq, String... domains) {
        Map<String, Domain> collect = new LinkedHashMap<>();
        for (String d : domains) {
            collect.put(d, new Domain(d, List.of("value"), Map.of(), Map.of()));
        }
        return new Plan("p", "test", Map.of("l", new Level("l", freq, collect)));
    }

    Monitor monitor(String id, String hostPort, Plan plan, Map<String, CollectorFactory> domains) {
        return monitor(id, hostPort, plan, domains, reason -> Credentials.of(USER, Secret.of(PASSWORD)),
                Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    Monitor monitor(String id, String hostPort, Plan plan, Map<String, CollectorFactory> domains,
                    CredentialSource credentials, Duration connectTimeout, Duration socketTimeout) {
        MysqlConfig mysql = new MysqlConfig(hostPort, "", "", USER, Secret.of(PASSWORD), "", connectTimeout, "");
        MonitorConfig config = TestMonitors.monitor(id, "monitors[" + monitors.size() + "]", mysql, TlsConfig.EMPTY);
        MysqlConnector connector = TestMonitors.connector(config, credentials, socketTimeout, List.of(), time);
        MonitorPool pool = new MonitorPool(config.id(), connector, connectTimeout, time);
        pools.add(pool);
        Monitor m = new Monitor(config, plan, domains, CollectorContext.of(config, pool, time), pool, List.of(), clock,
                threads, time);
        monitors.add(m);
        return m;
    }

    static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Starts the monitor and returns the health after its first collection (or first failed connect). */
    MonitorHealth start(Monitor m) throws Exception {
        CompletionStage<MonitorHealth> first = m.nextHealth();
        m.start(Duration.ZERO);
        return get(first);
    }

    /**
     * Moves virtual time on by {@code by} in steps of {@code step}, each once the level clock sleeps again,
     * and returns the monitor's next health.
     */
    MonitorHealth advance(Monitor m, Duration by, Duration step) throws Exception {
        CompletionStage<MonitorHealth> next = m.nextHealth();
        for (Duration done = Duration.ZERO; done.compareTo(by) < 0; done = done.plus(step)) {
            time.awaitWaiters(1, WAIT);
            time.advance(step);
        }
        return get(next);
    }

    /**
     * The next tick (the next whole second), then virtual time in steps of 100 ms while its collection runs (the level
     * clock watching it, its deadlines ahead), until the monitor's next health; at most {@code max} of them.
     *
     * @return the health, and in {@link Stepped#virtual} how much virtual time passed after the tick
     */
    Stepped tickThrough(Monitor m, Duration max) throws Exception {
        CompletionStage<MonitorHealth> next = m.nextHealth();
        time.awaitWaiters(1, WAIT);
        time.advance(toNextSecond());
        Duration spent = Duration.ZERO;
        while (true) {
            try {
                return new Stepped(next.toCompletableFuture().get(20, TimeUnit.MILLISECONDS), spent);
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                if (spent.compareTo(max) >= 0) {
                    throw new AssertionError("the collection still runs " + spent.toMillis() + " ms after its tick");
                }
                time.awaitWaiterDueWithin(Duration.ofMillis(900), WAIT); // the clock watches the collection
                time.advance(Duration.ofMillis(100));
                spent = spent.plusMillis(100);
            }
        }
    }

    /** From now to the next whole second of the wall clock, when the level clock ticks. */
    Duration toNextSecond() {
        long intoSecond = time.now().toEpochMilli() % 1000;
        return Duration.ofMillis(1000 - intoSecond);
    }

    record Stepped(MonitorHealth health, Duration virtual) {
    }

    /** One second on, at once: the next tick, and the health after its collection. */
    MonitorHealth tick(Monitor m) throws Exception {
        return advance(m, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Override
    public void close() {
        monitors.forEach(m -> m.stop(Duration.ZERO));
        clock.close();
        threads.shutdownNow();
    }
}
