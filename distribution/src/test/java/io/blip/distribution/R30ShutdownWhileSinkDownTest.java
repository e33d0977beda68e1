package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Reliability;
import io.blip.testkit.Signal;
import io.blip.testkit.TestSecrets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R30: SIGTERM while the OTLP collector is black-holed (it accepts the connection and never
 * answers), with a send hanging in it and collections queued behind. {@code bin/blip} stops within
 * 10 s: the flush at shutdown tries for at most 5 s, then what is unsent is counted and logged
 * ("N collections not sent") and the process exits with SIGTERM's status.
 */
class R30ShutdownWhileSinkDownTest {
    private static final String USER = "blip_r30";
    private static final String PASSWORD = TestSecrets.secret("R30ShutdownWhileSinkDownTest.PASSWORD", "r30-pw");
    private static final Pattern NOT_SENT = Pattern.compile(
            "sink otlp \\([^)]*\\) closed after a flush of at most (\\d+) ms; (\\d+) collections not sent");

    @TempDir
    Path work;

    @Test
    void sigtermWithTheCollectorBlackHoledExitsWithin10sAndCountsWhatWasNotSent() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(USER, PASSWORD, "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        Signal said = new Signal();
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (var hole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(hole.accept()); // and never answered
                        said.fire();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            Files.writeString(work.resolve("plan.yaml"), """
                    second:
                      freq: 1s
                      collect:
                        status.global:
                          metrics: [threads_running, queries]
                    """);
            Path config = work.resolve("blip.yaml");
            Files.writeString(config, """
                    api: {bind: "127.0.0.1:0"}
                    logging: {level: trace}
                    mysql:
                      username: %s
                      password: %s
                    plans:
                      files: [plan.yaml]
                    monitors:
                      - id: one
                        hostname: %s
                        sinks:
                          otlp:
                            endpoint: "http://127.0.0.1:%d/v1/metrics"
                    """.formatted(USER, PASSWORD, db.hostPort(), hole.getLocalPort()));
            ProcessBuilder pb = Dist.blip(work, "--config", config.toString(), "--log");
            pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_"));
            Process blip = pb.start();
            OutputWatcher out = OutputWatcher.of("stdout", blip.getInputStream(), said);
            OutputWatcher err = OutputWatcher.of("stderr", blip.getErrorStream(), said);
            try {
                said.await(() -> !held.isEmpty() || out.ended(), Duration.ofSeconds(60),
                        () -> "a send to the black hole:\n" + out.text() + err.text());
                // A send hangs in the black hole; let collections (1 s apart) queue behind it, which nothing
                // outside shows: time passing is what this waits for, not an outcome.
                Thread.sleep(2_500);
                long start = System.nanoTime();
                Dist.signal(blip, "TERM");
                assertTrue(blip.waitFor(15, TimeUnit.SECONDS), "stopped within 15 s of SIGTERM");
                long stopMs = (System.nanoTime() - start) / 1_000_000;
                said.await(() -> out.ended() && err.ended(), Duration.ofSeconds(10), () -> "the end of the output");
                assertEquals(143, blip.exitValue(), err.text());
                assertTrue(stopMs <= 10_000, "stopped in " + stopMs + " ms");
                Matcher m = NOT_SENT.matcher(err.text());
                assertTrue(m.find(), "the unsent collections are logged:\n" + err.text());
                long flushMs = Long.parseLong(m.group(1));
                long notSent = Long.parseLong(m.group(2));
                assertTrue(flushMs <= 5_000, m.group());
                assertTrue(notSent >= 1, m.group());
                Reliability.figure("R30", R30ShutdownWhileSinkDownTest.class, "`bin/blip`, 1 monitor at 1 s, its"
                        + " OTLP collector black-holed (accepts, never answers; default `send-timeout` 5 s), a send"
                        + " hanging: SIGTERM → exit status " + blip.exitValue() + " after " + stopMs + " ms; flush"
                        + " bounded at " + flushMs + " ms, then logged `" + notSent + " collections not sent`");
            } finally {
                blip.destroyForcibly();
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
