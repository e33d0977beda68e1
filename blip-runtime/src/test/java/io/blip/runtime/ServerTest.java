package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blip end to end in one JVM: a Blip-style blip.yaml with monitor defaults, tags and a plan file,
 * booted and run against a real MariaDB, with the log sink's output read from STDOUT.
 */
class ServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private PrintStream realOut;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void captureStdout() {
        realOut = System.out;
        // The log sink prints to the STDOUT it finds when the sink factory is loaded at boot.
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(realOut);
    }

    private String output() {
        synchronized (System.out) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits for the log sink to print something the predicate accepts; fails after {@link #WAIT}. */
    private String awaitOutput(String what, Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String out = output();
            if (done.test(out)) {
                return out;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + what + " within " + WAIT.toSeconds() + " s; output:\n" + output());
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    /** Boots the config and starts its monitors. */
    private Server started(Path config) throws Exception {
        Server server = Server.boot(options(config), Map.of(), System.out, Clock.systemUTC());
        server.run();
        return server;
    }

    /** Waits for two more collections of monitor e2e than the log shows now. */
    private String awaitTwoMoreCollections(String what) throws InterruptedException {
        int before = count(output(), "# monitor:  e2e");
        return awaitOutput(what, o -> count(o, "# monitor:  e2e") >= before + 2);
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
            String out = awaitOutput("two collections", o -> count(o, "# monitor:  e2e") >= 2);
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
        try (var probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Files.writeString(config, Files.readString(config) + """
                  - id: nowhere
                    hostname: 127.0.0.1:%d
                """.formatted(closedPort));
        Server server = started(config);
        try {
            awaitTwoMoreCollections("two collections");
            Monitor e2e = server.monitors().stream().filter(m -> m.id().equals("e2e")).findFirst().orElseThrow();
            Monitor nowhere = server.monitors().stream().filter(m -> m.id().equals("nowhere")).findFirst().orElseThrow();
            var h = e2e.lastHealth().orElseThrow();
            assertTrue(h.up(), h.toString());
            assertTrue(h.levels().get("fast").collections() >= 2, h.toString());
            assertTrue(h.levels().get("fast").lastDuration().compareTo(Duration.ofSeconds(1)) < 0, h.toString());
            assertEquals(Map.of("size.table", 0L, "status.global", 0L), h.errors());
            assertEquals("log", h.sinks().getFirst().name());
            assertFalse(h.started().isAfter(h.time()), h.toString());
            assertEquals(true, e2e.status().get("up"));

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (nowhere.lastHealth().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            var down = nowhere.lastHealth().orElseThrow(() -> new AssertionError("no health while connecting"));
            assertFalse(down.up(), down.toString());
            assertEquals(Map.of(), down.levels());
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
            awaitOutput("a first collection", o -> o.contains("# monitor:  e2e"));
            db.changePassword("rotating", "new-pw");
            Files.writeString(pw, "new-pw\n");
            // Sessions survive a password change; end them so that Blip must log in again.
            db.execute("KILL USER rotating");
            awaitTwoMoreCollections("collections after the rotation");
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
                plans:
                  files: [fast.yaml]
                monitors:
                  - id: e2e
                    mycnf: %s
                """.formatted(cnf));
        Server server = started(config);
        try {
            awaitOutput("a first collection", o -> o.contains("# monitor:  e2e"));
            assertEquals("cnf_rotating:...@tcp(127.0.0.1:" + db.port() + ")/", server.monitors().getFirst().redactedDsn());
            db.changePassword("cnf_rotating", "new-pw");
            Files.writeString(cnf, "[client]\nuser=cnf_rotating\npassword=new-pw\nhost=127.0.0.1\nport=" + db.port()
                    + "\n");
            db.execute("KILL USER cnf_rotating");
            awaitTwoMoreCollections("collections after the rotation");
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
                awaitOutput("a first collection", o -> o.contains("# monitor:  e2e"));
                db.restart();
                String out = awaitTwoMoreCollections("collections after the restart");
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
        awaitOutput("a first collection", o -> o.contains("# monitor:  e2e"));
        long start = System.nanoTime();
        server.close();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < Server.STOP_SECONDS * 1000L, "stop took " + tookMillis + " ms");
        assertEquals(Monitor.State.STOPPED, server.monitors().getFirst().state());
        assertFalse(output().isEmpty());
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
