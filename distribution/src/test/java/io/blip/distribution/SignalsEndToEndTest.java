package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Signal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signals of a running {@code bin/blip}: SIGHUP reloads the monitors (a monitor file edited
 * meanwhile), SIGUSR1 turns debug logging on and off, SIGTERM stops it with the status of the signal.
 */
class SignalsEndToEndTest {
    private static final String USER = "blip_signals";
    private static final String PASSWORD = "signals-pw";

    @TempDir
    Path work;

    private void writeMonitors(EmbeddedMariaDb db, String... ids) throws Exception {
        var text = new StringBuilder("monitors:\n");
        for (String id : ids) {
            text.append("  - id: ").append(id).append("\n    hostname: ").append(db.hostPort()).append('\n');
        }
        Files.writeString(work.resolve("monitors.yaml"), text.toString());
    }

    @Test
    void hupReloadsUsr1TogglesDebugTermStops() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(USER, PASSWORD, "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        writeMonitors(db, "one");
        Path config = work.resolve("blip.yaml");
        Files.writeString(config, """
                api: {bind: "127.0.0.1:0"}
                mysql:
                  username: %s
                  password: %s
                sinks:
                  noop: {}
                monitor-loader:
                  files: [monitors.yaml]
                """.formatted(USER, PASSWORD));
        // A test run under nohup ignores SIGHUP, and so would bin/blip (a signal ignored at start stays so):
        // coreutils' env gives bin/blip the default handling back.
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=HUP,USR1",
                Dist.HOME.resolve("bin/blip").toString(), "--config", config.toString(), "--log").directory(work.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        Process blip = pb.start();
        Signal said = new Signal();
        OutputWatcher out = OutputWatcher.of("stdout", blip.getInputStream(), said);
        OutputWatcher err = OutputWatcher.of("stderr", blip.getErrorStream(), said);
        try {
            said.await(() -> out.text().contains("connected: monitor one:") || out.ended(), Duration.ofSeconds(60),
                    () -> "monitor one:\n" + out.text() + err.text());

            writeMonitors(db, "one", "two");
            Dist.signal(blip, "HUP");
            said.await(() -> out.text().contains("connected: monitor two:") || out.ended(), Duration.ofSeconds(30),
                    () -> "monitor two after SIGHUP:\n" + out.text() + err.text());
            assertTrue(out.text().contains("added [two], removed [], changed []"), out.text());

            Dist.signal(blip, "USR1");
            said.await(() -> out.text().contains("debug logging on") || out.ended(), Duration.ofSeconds(30),
                    () -> "debug on after SIGUSR1:\n" + out.text() + err.text());
            Dist.signal(blip, "USR1");
            said.await(() -> out.text().contains("debug logging off") || out.ended(), Duration.ofSeconds(30),
                    () -> "debug off after a second SIGUSR1:\n" + out.text() + err.text());

            blip.destroy();
            assertTrue(blip.waitFor(15, TimeUnit.SECONDS), "stopped within 15 s of SIGTERM");
            assertEquals(143, blip.exitValue(), err.text());
        } finally {
            blip.destroyForcibly();
        }
    }
}
