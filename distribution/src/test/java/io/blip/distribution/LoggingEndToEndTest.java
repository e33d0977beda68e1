package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Signal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/blip's log with {@code --log-format json}: every line of STDOUT and STDERR is one JSON object (read
 * line by line with Python's json module), events carry their fields, the config's secrets are masked
 * even where a line would show them, and a SIGTERM still writes the delivery's "collections not sent"
 * and {@code server-stopped} before the process ends.
 */
class LoggingEndToEndTest {
    private static final String USER = "blip_logging";
    private static final String PASSWORD = "logging-pw-7f3a";
    private static final String TOKEN = "sfx-token-9c1e55";

    @TempDir
    Path work;

    @Test
    void jsonLinesSecretsMaskedAndTheLastLinesSurviveSigterm() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(USER, PASSWORD, "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        int closed;
        try (var s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once closed: every send fails and is kept
        }
        Path config = work.resolve("blip.yaml");
        Files.writeString(config, """
                logging:
                  levels: {io.blip.runtime.monitor: debug}
                mysql:
                  username: %s
                  password: %s
                sinks:
                  signalfx:
                    ingest-url: "http://127.0.0.1:%d/%s"
                    auth-token: %s
                monitors:
                  - id: one
                    hostname: %s
                """.formatted(USER, PASSWORD, closed, PASSWORD, TOKEN, db.hostPort()));
        Process blip = Dist.blip(work, "--config", config.toString(), "--log", "--log-format", "json").start();
        Signal said = new Signal();
        OutputWatcher out = OutputWatcher.of("stdout", blip.getInputStream(), said);
        OutputWatcher err = OutputWatcher.of("stderr", blip.getErrorStream(), said);
        try {
            said.await(() -> err.text().contains("\"event\":\"sink-send-error\"") || err.ended(),
                    Duration.ofSeconds(60), () -> "a failed send:\n" + out.text() + err.text());
            Dist.signal(blip, "TERM"); // not destroy(): its lines after the signal are what this test reads
            assertTrue(blip.waitFor(20, TimeUnit.SECONDS), "stopped within 20 s of SIGTERM");
            assertEquals(143, blip.exitValue(), out.text() + err.text());
            said.await(() -> out.ended() && err.ended(), Duration.ofSeconds(10), () -> out.text() + err.text());
        } finally {
            blip.destroyForcibly();
        }
        String all = out.text() + err.text();
        assertFalse(all.contains(PASSWORD), "the password is masked:\n" + all);
        assertFalse(all.contains(TOKEN), "the token is masked:\n" + all);

        List<String> stdout = fields(out.text());
        List<String> stderr = fields(err.text());
        String both = String.join("\n", stdout) + "\n---\n" + String.join("\n", stderr);
        assertTrue(stdout.stream().anyMatch(l -> l.startsWith("INFO\tconnected\tone\t")), both);
        assertTrue(stdout.stream().anyMatch(l -> l.startsWith("INFO\tserver-stopped\t")), both);
        assertTrue(stderr.stream().anyMatch(l -> l.startsWith("WARN\tsink-send-error\t\tsignalfx")
                        && l.contains("collections not sent")),
                "the flush at SIGTERM reports what it could not send:\n" + String.join("\n", stderr));
        assertTrue(stderr.stream().anyMatch(l -> l.startsWith("DEBUG\tengine-prepare\tone\t")),
                "logging.levels: the monitor package at debug:\n" + both);
        assertTrue(stderr.stream().noneMatch(l -> l.startsWith("DEBUG\t") && !l.contains("\tone\t")),
                "only the monitor package at debug:\n" + both);
    }

    /**
     * Each line parsed by Python's json module (it fails on a line that is not one object):
     * {@code level TAB event TAB monitor TAB sink TAB message}, absent fields empty.
     */
    private List<String> fields(String lines) throws Exception {
        Path file = Files.writeString(work.resolve("lines.jsonl"), lines);
        Process py = new ProcessBuilder("python3", "-c", """
                import json, sys
                for line in open(sys.argv[1], encoding="utf-8"):
                    o = json.loads(line)
                    assert isinstance(o, dict) and o["time"] and o["message"] is not None, line
                    print("\\t".join(o.get(k, "") for k in ("level", "event", "monitor", "sink", "message")))
                """, file.toString()).redirectErrorStream(true).start();
        String parsed = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, py.waitFor(), "every line is one JSON object:\n" + parsed + "\n" + lines);
        return parsed.lines().toList();
    }
}
