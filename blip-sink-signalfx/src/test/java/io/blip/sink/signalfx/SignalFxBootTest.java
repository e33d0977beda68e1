package io.blip.sink.signalfx;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.PluginBoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.blip.sink.signalfx.SignalFxSinkContractTest.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signalfx sink booted as bin/blip boots it: the runtime in its own JVM on the module path of lib/
 * (blip-api, the runtime, the built-in domains and sinks, and their libraries), this sink as a plugin
 * layer of its own from {@code plugins/signalfx/} (its jar, built from this module's classes),
 * monitoring an embedded MariaDB and sending to the fake SignalFx ingest API; and Blip's own example
 * of the sink's keys (docs/content/sinks/signalfx.md), which fails for want of a token as in Blip.
 */
class SignalFxBootTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Blip's example of the sink's keys, as the runtime's docs test reads it. */
    private static final Path DOCS_EXAMPLE = Path.of("..", "blip-runtime", "src", "test", "resources", "blip-docs",
            "docs", "content", "sinks", "signalfx-1.yaml");

    @TempDir
    Path dir;

    @Test
    void aMonitorsMetricsReachSignalFxWithTheTokenFromItsFile() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("blip", "blip", "SELECT, REPLICATION CLIENT ON *.*");
        PluginBoot boot = boot();
        Path token = Files.writeString(dir.resolve("sfx-token"), TOKEN + "\n");
        try (FakeSignalFx sfx = FakeSignalFx.start(TOKEN)) {
            Path config = Files.writeString(dir.resolve("blip.yaml"), """
                    monitors:
                      - hostname: %s
                        username: blip
                        password: blip
                        tags:
                          env: test
                    sinks:
                      signalfx:
                        auth-token-file: %s
                        metric-prefix: "mysql."
                        ingest-url: %s
                    """.formatted(db.hostPort(), token, sfx.url()));

            PluginBoot.Ended print = boot.run(config, "--print-config", "--run=false");

            assertEquals(0, print.exitValue(), print.output());

            String printed = print.output();
            assertNoToken(printed);
            assertTrue(printed.contains("signalfx"), printed);

            // SIGTERM once waited for: Blip flushes its sinks and exits.
            var out = boot.runUntil(config, () -> {
                sfx.await("threads_running and queries from Blip", got -> got.stream().filter(FakeSignalFx.Received::ok)
                        .flatMap(r -> r.points().stream())
                        .anyMatch(p -> p.metric().equals("mysql.status.global.queries")), WAIT);
            }, "--log", "--debug");
            List<FakeSignalFx.Point> points = sfx.delivered();
            FakeSignalFx.Point running = points.stream()
                    .filter(p -> p.metric().equals("mysql.status.global.threads_running")).findFirst().orElseThrow();
            assertEquals("gauge", running.type());
            assertTrue(running.value() >= 1);
            assertEquals("test", running.dimensions().get("env"));
            FakeSignalFx.Point queries = points.stream()
                    .filter(p -> p.metric().equals("mysql.status.global.queries")).findFirst().orElseThrow();
            assertEquals("cumulative_counter", queries.type());
            assertTrue(sfx.received().stream().allMatch(FakeSignalFx.Received::ok), sfx.received().toString());
            String output = out.text();
            assertNoToken(output);
        }
    }

    @Test
    void blipsExampleOfTheKeysIsABootErrorForWantOfAToken() throws Exception {
        Path config = Files.writeString(dir.resolve("blip.yaml"), "monitors:\n  - hostname: 127.0.0.1:1\n"
                + "    username: blip\n    password: blip\n" + Files.readString(DOCS_EXAMPLE));
        PluginBoot.Ended end = boot().run(config);
        String text = end.output();
        assertEquals(1, end.exitValue(), text);
        assertTrue(text.contains("sinks.signalfx.auth-token: not set; set auth-token or auth-token-file"), text);
    }

    @Test
    void aTokenInTheConfigNeverShows() throws Exception {
        Path config = Files.writeString(dir.resolve("blip.yaml"), """
                monitors:
                  - hostname: 127.0.0.1:1
                    username: blip
                    password: blip
                sinks:
                  signalfx:
                    auth-token: %s
                    metric-translator: sfx
                """.formatted(TOKEN));
        PluginBoot.Ended end = boot().run(config);
        String text = end.output();
        assertEquals(1, end.exitValue(), text);
        assertTrue(text.contains("sinks.signalfx.metric-translator: no metric translator named 'sfx'. None is"
                + " installed"), text);
        assertNoToken(text);
    }

    private static void assertNoToken(String text) {
        assertFalse(text.contains(TOKEN), "the token shows in:\n" + text);
    }

    /** Blip, to boot with plugins/signalfx/ made of this module's classes. */
    private PluginBoot boot() throws IOException {
        return PluginBoot.of(dir, "blip-sink-signalfx", "signalfx", k -> k.startsWith("SFX_"));
    }
}
