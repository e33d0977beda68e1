package io.blip.plugin.aws.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.api.Secret;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.AwsSection;
import io.blip.plugin.aws.SecretScan;
import io.blip.plugin.aws.TestMonitors;
import io.blip.plugin.aws.TestMonitors.SystemProperties;
import io.blip.runtime.config.MonitorAddress;
import io.blip.runtime.config.MycnfFiles;
import io.blip.runtime.monitor.LevelClock;
import io.blip.runtime.monitor.Monitor;
import io.blip.runtime.mysql.ConnectionTarget;
import io.blip.runtime.mysql.MonitorPool;
import io.blip.runtime.mysql.MysqlConnector;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TcpProxy;
import io.blip.testkit.TestDomains;
import io.blip.testkit.TestSecrets;
import io.blip.testkit.VirtualTime;
import io.blip.testkit.aws.FakeSecretsManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Reliability row R7, the rotation window: MySQL already has the new password (RDS managed rotation's
 * {@code setSecret}), but Secrets Manager still returns the old one for about a minute (until
 * {@code finishSecret}). A monitor collecting every second, its password from the real {@code aws-secret}
 * source against the loopback Secrets Manager, its connector, pool, engine and level clock as boot makes
 * them, on virtual time. Its session is lost (the proxy resets it), so it must log in again: for the 60 s of
 * the window every interval fails, with at most one login and one GetSecretValue call per interval however
 * many domains the level has (no per-query retries, no hot loop), and its failure reported once: a warning
 * of the secret source, one of the domain that tried, one of the level. The first interval after the store
 * returns the new password collects.
 */
class R7RotationWindowTest {
    private static final String USER = "r7_rotated";
    private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:blip-r7-AbCdEf";
    private static final String OLD = TestSecrets.secret("R7RotationWindowTest.old", "r7-old-pw");
    private static final String NEW = TestSecrets.secret("R7RotationWindowTest.new", "r7-new-pw");
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    /** "Observed to last around a minute" (AWS JDBC wrapper docs, Secrets Manager plugin). */
    private static final Duration WINDOW = Duration.ofSeconds(60);
    /** A level of a few domains, as Blip's plans have: each borrows a connection of the pool. */
    private static final List<String> DOMAINS = List.of("test.one", "test.two", "test.three", "test.four");
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final VirtualTime time = new VirtualTime(START);

    private static String secret(String password) {
        return "{\"username\": \"" + USER + "\", \"password\": \"" + password + "\", \"engine\": \"mysql\"}";
    }

    @Test
    void metricsResumeTheIntervalAfterTheStoreHasTheNewPasswordAndTheWindowCostsOneTryPerInterval() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(USER, OLD);
        LevelClock clock = new LevelClock(time);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        Monitor m = null;
        try (SystemProperties properties = new SystemProperties();
             FakeSecretsManager store = SecretSourceTest.startFake(properties);
             TcpProxy proxy = TcpProxy.in(db);
             SecretScan scan = new SecretScan()) {
            store.put(ARN, secret(OLD));
            MonitorConfig config = monitor(proxy.hostPort());
            CredentialSource source = new SecretSourceFactory().make(CredentialContext.of(config, RegionLookup.NONE,
                    PluginServices.NONE, time));
            var files = new MycnfFiles();
            MysqlConnector connector = new MysqlConnector(ConnectionTarget.resolve(config, files, List.of(), time),
                    source, Duration.ofSeconds(3), List.of(), files, time);
            MonitorPool pool = new MonitorPool(config.id(), connector, config.mysql().timeoutConnect(), time);
            Map<String, CollectorFactory> domains = new LinkedHashMap<>();
            DOMAINS.forEach(d -> domains.put(d, TestDomains.domain(d, TestDomains::selectOne)));
            m = new Monitor(config, plan(), domains, CollectorContext.of(config, pool, time), pool, List.of(), clock,
                    threads, time);

            CompletionStage<MonitorHealth> first = m.nextHealth();
            m.start(Duration.ZERO);
            MonitorHealth h = first.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(h.up(), "collecting with the password read at start: " + h);
            assertEquals(1, store.callCount(), "one GetSecretValue at start");

            // setSecret: MySQL has the new password; the store returns the old one until finishSecret.
            db.changePassword(USER, NEW);
            Instant windowStart = time.now();
            h = tickThrough(m);
            assertEquals(0L, failures(h), "the open session keeps working after ALTER USER");

            proxy.reset(); // the session is lost: the monitor must log in again, with what the store gives
            List<Interval> window = new ArrayList<>();
            while (time.now().isBefore(windowStart.plus(WINDOW))) {
                Interval before = Interval.at(h, store, proxy, scan);
                h = tickThrough(m);
                window.add(Interval.at(h, store, proxy, scan).since(before));
            }

            // finishSecret, half an interval after the window's last tick: the store returns the new password.
            time.awaitWaiters(1, WAIT);
            time.advance(INTERVAL.dividedBy(2));
            store.put(ARN, secret(NEW));
            Instant flipped = time.now();
            int after = 0;
            Interval last;
            do {
                Interval before = Interval.at(h, store, proxy, scan);
                h = tickThrough(m);
                last = Interval.at(h, store, proxy, scan).since(before);
                after++;
            } while (last.failed() && after < 5);
            Duration resumed = Duration.between(flipped, h.time());
            Duration old = Duration.between(windowStart, flipped);

            long failed = window.stream().filter(Interval::failed).count();
            Interval sum = window.stream().reduce(Interval.NONE, Interval::plus);
            Interval most = window.stream().reduce(Interval.NONE, Interval::max);
            // The first interval also reports the session the proxy reset (its query failed), beside the login.
            Interval mostAfterFirst = window.stream().skip(1).reduce(Interval.NONE, Interval::max);
            String figure = String.format(Locale.ROOT, "1 s interval, a level of %d domains, the store returning the"
                            + " old password for %.1f s after ALTER USER (virtual time): %d of %d intervals failed, with"
                            + " %d logins, %d GetSecretValue calls, %d warnings and %d info lines (at most %d, %d, %d"
                            + " and %d in one interval; %d warnings after the first, which also reports the lost"
                            + " session); the store's new password: collected in interval %d after it, %d ms later"
                            + " (%d logins, the first with the old password denied; %d GetSecretValue call);"
                            + " 0 passwords in TRACE logs",
                    DOMAINS.size(), old.toMillis() / 1000.0, failed, window.size(), sum.logins(), sum.calls(),
                    sum.warnings(), sum.infos(), most.logins(), most.calls(), most.warnings(), most.infos(),
                    mostAfterFirst.warnings(), after, resumed.toMillis(), last.logins(), last.calls());
            String warnings = scan.events().stream().filter(e -> e.startsWith("WARNING")).limit(8).toList().toString();

            assertEquals(window.size(), failed, "every interval of the window fails: " + figure);
            assertTrue(most.logins() <= 1, "at most one login per interval, however many domains: " + figure);
            assertTrue(most.calls() <= 1, "at most one GetSecretValue per interval: " + figure);
            // One from the secret source, one for the domain that tried, one for the level; not one per domain.
            assertTrue(mostAfterFirst.warnings() <= 3 && most.warnings() <= 4,
                    "the failure reported once per interval, not per retry or domain: " + figure + "; " + warnings);
            assertEquals(1, after, "the first interval after the store has the new password collects: " + figure);
            assertTrue(resumed.compareTo(INTERVAL) <= 0, "metrics resume within one interval: " + figure);
            assertEquals(1, last.calls(), "the secret read again once, after access was denied: " + figure);
            scan.assertNoSecret(List.of(OLD, NEW, secret(OLD), secret(NEW)), h.toString());

            Reliability.figure("R7", R7RotationWindowTest.class, figure);
        } finally {
            if (m != null) {
                m.stop(Duration.ZERO);
            }
            clock.close();
            threads.shutdownNow();
            db.dropUser(USER);
        }
    }

    /** What one interval cost, or the counts so far: its failure, logins, GetSecretValue calls, log lines. */
    private record Interval(boolean failed, long failures, int logins, int calls, long warnings, long infos) {
        static final Interval NONE = new Interval(false, 0, 0, 0, 0, 0);

        /** The counts now; {@code failed} whether the monitor is down. */
        static Interval at(MonitorHealth h, FakeSecretsManager store, TcpProxy proxy, SecretScan scan) {
            long warnings = scan.count(java.util.logging.Level.WARNING, "");
            return new Interval(!h.up(), R7RotationWindowTest.failures(h), proxy.accepted(), store.callCount(), warnings,
                    scan.count(java.util.logging.Level.INFO, " io.blip.") - scan.count(java.util.logging.Level.WARNING,
                            " io.blip."));
        }

        /** From {@code before} to these counts: failed when the monitor is down or a domain failed. */
        Interval since(Interval before) {
            return new Interval(failed || failures > before.failures, failures - before.failures,
                    logins - before.logins, calls - before.calls, warnings - before.warnings, infos - before.infos);
        }

        Interval plus(Interval o) {
            return new Interval(failed || o.failed, failures + o.failures, logins + o.logins, calls + o.calls,
                    warnings + o.warnings, infos + o.infos);
        }

        Interval max(Interval o) {
            return new Interval(failed || o.failed, Math.max(failures, o.failures), Math.max(logins, o.logins),
                    Math.max(calls, o.calls), Math.max(warnings, o.warnings), Math.max(infos, o.infos));
        }
    }

    private static MonitorConfig monitor(String hostPort) {
        MysqlConfig mysql = new MysqlConfig(hostPort, "", "", USER, Secret.empty(), "", Duration.ofSeconds(5), "");
        String origin = "blip.yaml: monitors[0]";
        return MonitorConfig.of("r7").withOrigin(origin).withMysql(mysql)
                .withAddress(MonitorAddress.resolve(mysql, new MycnfFiles(), origin))
                .withSection(AwsSection.NAME, TestMonitors.aws(Map.of(AwsSection.PASSWORD_SECRET, ARN)));
    }

    /** One level collecting the test domains every {@link #INTERVAL}. */
    private static Plan plan() {
        Map<String, Domain> collect = new LinkedHashMap<>();
        DOMAINS.forEach(d -> collect.put(d, new Domain(d, List.of("value"), Map.of(), Map.of())));
        return new Plan("p", "test", Map.of("l", new Level("l", INTERVAL, collect)));
    }

    /** Collections in which a domain failed, so far. */
    private static long failures(MonitorHealth h) {
        return h.errors().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The next tick (the next whole second), and the monitor's health after its collection. Virtual time stands
     * still while the collection runs: its domains, one after another on one connection, take no time of their
     * own here, and moving the clock while a login takes real milliseconds would hand the level's next domain
     * a spare connection as if the one before were slow.
     */
    private MonitorHealth tickThrough(Monitor m) throws Exception {
        CompletionStage<MonitorHealth> next = m.nextHealth();
        time.awaitWaiters(1, WAIT);
        time.advance(Duration.ofMillis(1000 - time.now().toEpochMilli() % 1000));
        return next.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
