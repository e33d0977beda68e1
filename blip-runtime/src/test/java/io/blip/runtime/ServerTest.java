package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.VirtualTime;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blip end to end in one JVM: a Blip-style blip.yaml with monitor defaults, tags and a plan file,
 * booted and run against a real MariaDB, with the log sink's output read from STDOUT. The server
 * runs on virtual time: each test moves it on a second at a time, and each second's collection takes
 * only as long as MariaDB does.
 */
class ServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final String E2E = "# monitor:  e2e";
    /** How many seconds a test may move on to see the collections it waits for. */
    private static final int MAX_TICKS = 30;

    @TempDir
    Path dir;

    private final VirtualTime time = new VirtualTime(START);
    private final OutputWatcher out = OutputWatcher.printed("the log sink's STDOUT");
    private PrintStream realOut;

    @BeforeEach
    void captureStdout() {
        realOut = System.out;
        // The log sink prints to the STDOUT it finds when the sink factory is loaded at boot.
        System.setOut(out.printStream());
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(realOut);
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    /** Boots the config on virtual time and starts its monitors (each waits its turn in that time). */
    private Server started(Path config) throws Exception {
        Server server = Server.boot(options(config), Map.of(), System.out, time);
        server.run();
        return server;
    }

    private static Monitor monitor(Server server, String id) {
        return server.monitors().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static long errors(MonitorHealth h) {
        return h.errors().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Moves time on a second at a time, each second's collection awaited, until monitor e2e has
     * made {@code n} more collections in which no domain failed; then waits for the log sink to have
     * printed them.
     */
    private String collect(Monitor e2e, int n) throws Exception {
        get(e2e.running());
        int printed = count(out.text(), E2E);
        long errors = e2e.lastHealth().map(ServerTest::errors).orElse(0L);
        int ok = 0;
        for (int ticks = 0; ok < n; ticks++) {
            assertTrue(ticks < MAX_TICKS, "not " + n + " good collections in " + MAX_TICKS + " s; last health "
                    + e2e.lastHealth() + ", last error '" + e2e.lastError() + "'; output:\n" + out.text());
            CompletionStage<MonitorHealth> next = e2e.nextHealth();
            time.advance(Duration.ofSeconds(1));
            MonitorHealth h = get(next);
            ok += errors(h) == errors ? 1 : 0;
            errors = errors(h);
        }
        return out.await(n + " more collections of e2e", o -> count(o, E2E) >= printed + n, WAIT);
    }

    private CliOptions options(Path config) {
        return new CliOptions(config, dir.resolve("no-plugins"), false, false, false, false, false, false,
                false, true);
    }

    private Path writeConfig(EmbeddedMariaDb db, String user, Path passwordFile) throws Exception {
        Files.writeString(dir.resolve("fast.yaml"), """
                fast:
                  freq: 1s
                  collect:
                    status.global:
                      metrics: [queries, threads_running]
                    size.table:
                      options:
                        include: blip_e2e.*
                """);
        Path config = dir.resolve("blip.yaml");
        Files.writeString(config, """
                api: {bind: "127.0.0.1:0"}
                mysql:
                  username: %s
                  password-file: %s
                tags:
                  env: ${BLIP_TEST_ENV:-test}
                plans:
                  files: [fast.yaml]
                monitors:
                  - id: e2e
                    hostname: %s
                    tags:
                      host: "%%{monitor.hostname}"
                """.formatted(user, passwordFile, db.hostPort()));
        return config;
    }

    @Test
    void aBlipYamlWithDefaultsTagsAndAPlanFileCollectsThroughTheLogSink() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("e2e", "e2e-pw", "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        db.execute("CREATE DATABASE IF NOT EXISTS blip_e2e", "CREATE TABLE IF NOT EXISTS blip_e2e.t1 (id INT)",
                "INSERT INTO blip_e2e.t1 VALUES (1), (2)");
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "e2e-pw\n");
        Server server = started(writeConfig(db, "e2e", pw));
        try {
            String out = collect(monitor(server, "e2e"), 2);
            assertTrue(out.contains("# plan:     fast.yaml\n# level:    fast\n# ts:       "), out);
            assertTrue(out.contains("\nstatus.global.queries = "), out);
            assertTrue(out.contains("\nstatus.global.threads_running = "), out);
            assertTrue(out.contains("\nsize.table.bytes = ") && out.contains("(group: db=blip_e2e,tbl=t1)"), out);
            Monitor m = server.monitors().getFirst();
            assertEquals(Map.of("env", "test", "host", db.hostPort()), m.config().tags());
            assertEquals("e2e:...@tcp(" + db.hostPort() + ")/", m.redactedDsn());
        } finally {
            server.close();
        }
    }

    @Test
    void everyCollectionAndEveryFailedConnectGivesTheSinksTheMonitorsHealth() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("health", "health-pw", "SELECT, PROCESS ON *.*");
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "health-pw\n");
        Path config = writeConfig(db, "health", pw);
        int closedPort;
        try (var probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Files.writeString(config, Files.readString(config) + """
                  - id: nowhere
                    hostname: 127.0.0.1:%d
                """.formatted(closedPort));
        Server server = started(config);
        try {
            Monitor e2e = monitor(server, "e2e");
            Monitor nowhere = monitor(server, "nowhere");
            // It starts 100 ms after e2e, in virtual time, which has not moved yet.
            CompletionStage<MonitorHealth> failedToConnect = nowhere.nextHealth();
            collect(e2e, 2);
            var h = e2e.lastHealth().orElseThrow();
            assertTrue(h.up(), h.toString());
            assertTrue(h.levels().get("fast").collections() >= 2, h.toString());
            assertTrue(h.levels().get("fast").lastDuration().compareTo(Duration.ofSeconds(1)) < 0, h.toString());
            assertEquals(Map.of("size.table", 0L, "status.global", 0L), h.errors());
            assertEquals("log", h.sinks().getFirst().name());
            assertFalse(h.started().isAfter(h.time()), h.toString());
            assertEquals(true, e2e.status().get("up"));

            var down = get(failedToConnect);
            assertFalse(down.up(), down.toString());
            assertEquals(Map.of(), down.levels());
            assertFalse(nowhere.lastHealth().orElseThrow().up());
            assertEquals(false, nowhere.status().get("up"));
        } finally {
            server.close();
        }
    }

    @Test
    void aRotatedPasswordFileIsUsedWithoutARestart() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("rotating", "old-pw", "SELECT, PROCESS ON *.*");
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "old-pw\n");
        Server server = started(writeConfig(db, "rotating", pw));
        try {
            Monitor e2e = monitor(server, "e2e");
            collect(e2e, 1);
            db.changePassword("rotating", "new-pw");
            Files.writeString(pw, "new-pw\n");
            // Sessions survive a password change; end them so that Blip must log in again.
            db.execute("KILL USER rotating");
            collect(e2e, 2);
        } finally {
            server.close();
        }
    }

    @Test
    void aRotatedMycnfIsUsedWithoutARestart() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("cnf_rotating", "old-pw", "SELECT, PROCESS ON *.*");
        Path cnf = dir.resolve("my.cnf");
        Files.writeString(cnf, "[client]\nuser=cnf_rotating\npassword=old-pw\nhost=127.0.0.1\nport=" + db.port() + "\n");
        Files.writeString(dir.resolve("fast.yaml"), """
                fast:
                  freq: 1s
                  collect:
                    status.global:
                      metrics: [queries]
                """);
        Path config = dir.resolve("blip.yaml");
        Files.writeString(config, """
                api: {bind: "127.0.0.1:0"}
                plans:
                  files: [fast.yaml]
                monitors:
                  - id: e2e
                    mycnf: %s
                """.formatted(cnf));
        Server server = started(config);
        try {
            Monitor e2e = monitor(server, "e2e");
            collect(e2e, 1);
            assertEquals("cnf_rotating:...@tcp(127.0.0.1:" + db.port() + ")/", server.monitors().getFirst().redactedDsn());
            db.changePassword("cnf_rotating", "new-pw");
            Files.writeString(cnf, "[client]\nuser=cnf_rotating\npassword=new-pw\nhost=127.0.0.1\nport=" + db.port()
                    + "\n");
            db.execute("KILL USER cnf_rotating");
            collect(e2e, 2);
        } finally {
            server.close();
        }
    }

    @Test
    void collectionResumesAfterMariaDbRestarts() throws Exception {
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start()) {
            db.createUser("restart", "pw", "SELECT, PROCESS ON *.*");
            Path pw = dir.resolve("pw");
            Files.writeString(pw, "pw");
            Server server = started(writeConfig(db, "restart", pw));
            try {
                Monitor e2e = monitor(server, "e2e");
                collect(e2e, 1);
                db.restart();
                String out = collect(e2e, 2);
                assertEquals(Monitor.State.RUNNING, server.monitors().getFirst().state());
                assertIntervalsIncrease(out);
            } finally {
                server.close();
            }
        }
    }

    @Test
    void stoppingIsQuickAndStopsCollection() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("stopper", "pw", "SELECT, PROCESS ON *.*");
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "pw");
        Server server = started(writeConfig(db, "stopper", pw));
        collect(monitor(server, "e2e"), 1);
        long start = System.nanoTime();
        server.close();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < Server.STOP_SECONDS * 1000L, "stop took " + tookMillis + " ms");
        assertEquals(Monitor.State.STOPPED, server.monitors().getFirst().state());
        assertFalse(out.text().isEmpty());
    }

    @Test
    void monitorsStartAFractionOfASecondApart() throws Exception {
        int closedPort;
        try (var probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Path config = dir.resolve("blip.yaml");
        Files.writeString(config, """
                api: {bind: "127.0.0.1:0"}
                mysql:
                  username: nobody
                  password: never
                monitors:
                  - id: a
                    hostname: 127.0.0.1:%1$d
                  - id: b
                    hostname: 127.0.0.1:%1$d
                  - id: c
                    hostname: 127.0.0.1:%1$d
                """.formatted(closedPort));
        Server server = Server.boot(options(config), Map.of(), System.out, time);
        try {
            List<CompletableFuture<MonitorHealth>> firstAttempts = server.monitors().stream()
                    .map(m -> m.nextHealth().toCompletableFuture()).toList();
            server.run();
            // Three monitors: 2 s / 3, at most 100 ms: 100 ms apart.
            assertEquals(START, get(firstAttempts.get(0)).time());
            time.awaitWaiters(4, WAIT); // the level clock, a backing off, b and c waiting their turn
            time.advance(Duration.ofMillis(99));
            time.awaitWaiters(4, WAIT);
            assertFalse(firstAttempts.get(1).isDone(), "b waits 100 ms");
            assertEquals(Monitor.State.CONNECTING, server.monitors().get(1).state());
            time.advance(Duration.ofMillis(1));
            assertEquals(START.plusMillis(100), get(firstAttempts.get(1)).time());
            time.awaitWaiters(4, WAIT);
            time.advance(Duration.ofMillis(100));
            assertEquals(START.plusMillis(200), get(firstAttempts.get(2)).time());
        } finally {
            server.close();
        }
    }

    /** Collections reach the sink in increasing interval order; the log shows it by ts. */
    private static void assertIntervalsIncrease(String out) {
        Matcher ts = Pattern.compile("# ts:       (\\S+)").matcher(out);
        String last = "";
        while (ts.find()) {
            assertTrue(ts.group(1).compareTo(last) > 0, "ts " + ts.group(1) + " after " + last);
            last = ts.group(1);
        }
    }
}
