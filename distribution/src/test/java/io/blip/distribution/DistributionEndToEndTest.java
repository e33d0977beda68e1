package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Signal;
import io.blip.testkit.otlp.OtlpReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built distribution as a user runs it: {@code bin/blip --config FILE} against a running
 * MariaDB prints the default plan's metrics every 5 s, and SIGTERM stops it within 10 s.
 */
class DistributionEndToEndTest {
    private static EmbeddedMariaDb db;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() {
        db = EmbeddedMariaDb.start();
        db.createUser("blip", "e2e-password", "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    /** The log sink's header lines, in order: level and ts. */
    private record Collection(String level, Instant ts) {
    }

    @Test
    void theDefaultPlanIsPrintedEveryFiveSecondsAndSigtermStopsBlip() throws Exception {
        Path password = work.resolve("password");
        Files.writeString(password, "e2e-password\n");
        Path config = work.resolve("blip.yaml");
        Files.writeString(config, """
                api: {bind: "127.0.0.1:0"}
                mysql:
                  username: blip
                  password-file: %s
                monitors:
                  - id: e2e
                    hostname: %s
                """.formatted(password, db.hostPort()));
        ProcessBuilder pb = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config", config.toString())
                .directory(work.toFile()).redirectError(work.resolve("stderr.txt").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        Process blip = pb.start();
        OutputWatcher stdout = OutputWatcher.of("stdout", blip.getInputStream());
        try {
            try {
                stdout.await("three collections", o -> collections(o).size() >= 3, Duration.ofSeconds(40));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + stderr(), e);
            }
            List<Collection> seen = collections(stdout.text());
            // The first tick collects every level (the 15-minute level includes them all); then 5 s apart.
            assertEquals("sysvars", seen.get(0).level(), stdout.text());
            assertEquals("performance", seen.get(1).level(), stdout.text());
            long gap = Duration.between(seen.get(1).ts(), seen.get(2).ts()).toMillis();
            assertTrue(gap >= 4900 && gap <= 5100, "5 s apart, not " + gap + " ms");
            String out = stdout.text();
            // repl.running is dropped on a server that is not a replica, as Blip does by default.
            for (String metric : List.of("status.global.queries = ", "status.global.threads_running = ",
                    "innodb.trx_rseg_history_len = ", "size.binlog.bytes = ", "size.database.bytes = ",
                    "var.global.max_connections = ", "status.global.bytes_sent = ")) {
                assertTrue(out.contains("\n" + metric), metric + " in:\n" + out);
            }

            long stopStart = System.nanoTime();
            blip.destroy(); // SIGTERM
            if (!blip.waitFor(10, TimeUnit.SECONDS)) {
                blip.destroyForcibly();
                fail("bin/blip did not stop within 10 s of SIGTERM:\n" + stderr());
            }
            long stopMillis = (System.nanoTime() - stopStart) / 1_000_000;
            assertEquals(143, blip.exitValue(), stderr());
            assertTrue(stopMillis < 10_000, "stopped in " + stopMillis + " ms");
        } finally {
            blip.destroyForcibly();
        }
        assertTrue(!stderr().contains("e2e-password"), stderr());
    }

    /** The collections the log sink printed, in order: each {@code # level:} line, then its {@code # ts:}. */
    private static List<Collection> collections(String stdout) {
        Pattern level = Pattern.compile("# level: +(\\S+)");
        Pattern ts = Pattern.compile("# ts: +(\\S+)");
        List<Collection> seen = new ArrayList<>();
        String lastLevel = null;
        for (String line : stdout.lines().toList()) {
            Matcher l = level.matcher(line);
            Matcher t = ts.matcher(line);
            if (l.matches()) {
                lastLevel = l.group(1);
            } else if (t.matches()) {
                seen.add(new Collection(lastLevel, Instant.parse(t.group(1))));
            }
        }
        return seen;
    }

    @Test
    void theOtlpPluginRidesOutACollectorOutageAndSigtermStopsBlip() throws Exception {
        Path password = work.resolve("password");
        Files.writeString(password, "e2e-password\n");
        Signal received = new Signal();
        try (OtlpReceiver receiver = OtlpReceiver.http().answer(OtlpReceiver.Answer.UNAVAILABLE)
                .onReceive(received::fire)) {
            Path config = work.resolve("blip.yaml");
            Files.writeString(config, """
                    api: {bind: "127.0.0.1:0"}
                    mysql:
                      username: blip
                      password-file: %s
                    monitors:
                      - id: e2e
                        hostname: %s
                        sinks:
                          otlp:
                            endpoint: %s
                            retry-initial: 50ms
                    """.formatted(password, db.hostPort(), receiver.endpoint()));
            ProcessBuilder pb = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config",
                    config.toString()).directory(work.toFile()).redirectOutput(work.resolve("stdout.txt").toFile())
                    .redirectError(work.resolve("stderr.txt").toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().remove("JAVA_OPTS");
            Process blip = pb.start();
            try {
                // The first collection, then its retry: the receiver's Retry-After: 1 keeps them a second apart.
                receiver.await(2, Duration.ofSeconds(40));
                receiver.answer(OtlpReceiver.Answer.OK);
                received.await(() -> !delivered(receiver).isEmpty(), Duration.ofSeconds(30),
                        () -> "a delivered request\n" + stderr());
                List<OtlpReceiver.Received> ok = delivered(receiver);
                List<String> names = ok.getFirst().request().getResourceMetricsList().stream()
                        .flatMap(rm -> rm.getScopeMetricsList().stream()).flatMap(sm -> sm.getMetricsList().stream())
                        .map(m -> m.getName()).toList();
                assertTrue(names.contains("mysql.status.global.queries"), names.toString());
                blip.destroy(); // SIGTERM
                if (!blip.waitFor(10, TimeUnit.SECONDS)) {
                    fail("bin/blip did not stop within 10 s of SIGTERM:\n" + stderr());
                }
                assertEquals(143, blip.exitValue(), stderr());
                assertTrue(stderr().contains("retrying with backoff"), stderr());
                assertTrue(!stderr().contains("io.opentelemetry"), "the exporter's own failure lines stay out:\n"
                        + stderr());
            } finally {
                blip.destroyForcibly();
            }
        }
    }

    @Test
    void aBadConfigExitsNonZeroWithEveryProblemAndWithoutTheSecret() throws Exception {
        Path config = work.resolve("blip.yaml");
        Files.writeString(config, """
                api: {bind: "127.0.0.1:0"}
                monitors:
                  - id: bad
                    hostname: db1:notaport
                    password: never-printed
                    sinks:
                      otlp: {}
                """);
        ProcessBuilder pb = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config", config.toString(),
                "--run=false").directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process blip = pb.start();
        String out = new String(blip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(blip.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, blip.exitValue(), out);
        assertTrue(out.contains("blip: boot failed:"), out);
        assertTrue(out.contains("notaport"), out);
        assertTrue(!out.contains("never-printed"), out);
    }

    private static List<OtlpReceiver.Received> delivered(OtlpReceiver receiver) {
        return receiver.received().stream().filter(r -> r.answer() == OtlpReceiver.Answer.OK).toList();
    }

    private String stderr() {
        Path err = work.resolve("stderr.txt");
        try {
            return Files.exists(err) ? "stderr:\n" + Files.readString(err, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
