package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.runtime.config.StopLoss;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.ModuleJar;
import io.blip.testkit.VirtualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloading monitors ({@link Server#reload}) against a real MariaDB: the monitor file is edited
 * between reloads, as a person or a config system would; the server runs on virtual time.
 */
class ReloadTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final VirtualTime time = new VirtualTime(START);
    private EmbeddedMariaDb db;
    private Path monitors;
    private Server server;

    @BeforeEach
    void boot() throws Exception {
        db = EmbeddedMariaDb.shared();
        db.createUser("reload", "reload-pw", "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        monitors = dir.resolve("monitors.yaml");
        writeMonitors("a", "b", "c", "d");
        writeConfig("");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void writeConfig(String stopLoss) throws Exception {
        writeConfig(stopLoss, "noop: {}");
    }

    /** The config file, with {@code sinks} (one line of YAML flow) for every monitor. */
    private void writeConfig(String stopLoss, String sinks) throws Exception {
        Files.writeString(dir.resolve("blip.yaml"), """
                api: {bind: "127.0.0.1:0"}
                mysql:
                  username: reload
                  password: reload-pw
                sinks:
                  %s
                monitor-loader:
                  files: [monitors.yaml]
                  stop-loss: "%s"
                """.formatted(sinks, stopLoss));
    }

    /**
     * A plugin directory with sink {@code reloads}, built now: its sink writes a line to the file of its
     * option {@code log} when it is made ({@code made}) and at each {@code Sink.reload()} ({@code reload}).
     */
    private Path reloadsPlugin() {
        Path plugins = dir.resolve("plugins");
        new ModuleJar("io.blip.test.reloads")
                .source("io.blip.test.reloads.Sinks", """
                        package io.blip.test.reloads;

                        import io.blip.api.config.MonitorConfig;
                        import io.blip.api.config.Option;
                        import io.blip.api.config.OptionSet;
                        import io.blip.api.sink.Encoder;
                        import io.blip.api.sink.Sink;
                        import io.blip.api.sink.SinkContext;
                        import io.blip.api.sink.SinkFactory;
                        import java.io.IOException;
                        import java.io.UncheckedIOException;
                        import java.nio.file.Files;
                        import java.nio.file.Path;
                        import java.nio.file.StandardOpenOption;
                        import java.util.List;

                        public final class Sinks implements SinkFactory {
                            @Override public String name() { return "reloads"; }
                            @Override public String description() { return "test sink that writes down its reloads"; }
                            @Override public OptionSet options() {
                                return OptionSet.of(Option.path("log", "where it writes down its making and reloads"));
                            }

                            @Override public Sink<Object> make(SinkContext context) {
                                Path log = context.options().file("log").orElseThrow();
                                line(log, "made");
                                return new Sink<>() {
                                    @Override public Encoder<Object> encoder(MonitorConfig monitor) {
                                        return metrics -> null;
                                    }

                                    @Override public void send(List<Object> batch) {
                                    }

                                    @Override public void reload() {
                                        line(log, "reload");
                                    }
                                };
                            }

                            private static void line(Path log, String line) {
                                try {
                                    Files.writeString(log, line + "\\n", StandardOpenOption.APPEND);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            }
                        }
                        """)
                .provides("io.blip.api.sink.SinkFactory", "io.blip.test.reloads.Sinks")
                .writeTo(plugins.resolve("reloads").resolve("reloads.jar"));
        return plugins;
    }

    /** The monitor file: one monitor per id, all of the test's MariaDB, each with its own tag. */
    private void writeMonitors(String... ids) throws Exception {
        var text = new StringBuilder("monitors:\n");
        for (String id : ids) {
            text.append("  - id: ").append(id).append("\n    hostname: ").append(db.hostPort())
                    .append("\n    tags: {v: \"1\"}\n");
        }
        Files.writeString(monitors, text.toString());
    }

    private Server started() {
        return started(dir.resolve("no-plugins"));
    }

    private Server started(Path plugins) {
        server = Server.boot(new CliOptions(dir.resolve("blip.yaml"), plugins, false, false, false,
                false, false, false, false, true), Map.of(), System.out, time);
        server.run();
        return server;
    }

    private Map<String, Monitor> byId() {
        var out = new LinkedHashMap<String, Monitor>();
        server.monitors().forEach(m -> out.put(m.id(), m));
        return out;
    }

    private void awaitRunning(Monitor m) throws Exception {
        Running.await(m, time);
    }

    @Test
    void aReloadStartsNewMonitorsStopsRemovedOnesAndRestartsChangedOnesOnly() throws Exception {
        started();
        Map<String, Monitor> before = byId();
        for (Monitor m : before.values()) {
            awaitRunning(m);
        }
        Files.writeString(monitors, Files.readString(monitors)
                .replace("  - id: b\n    hostname: " + db.hostPort() + "\n    tags: {v: \"1\"}\n", "")
                .replace("id: c\n    hostname: " + db.hostPort() + "\n    tags: {v: \"1\"}",
                        "id: c\n    hostname: " + db.hostPort() + "\n    tags: {v: \"2\"}")
                + "  - id: e\n    hostname: " + db.hostPort() + "\n");

        Server.Reload r = server.reload();

        assertEquals(Server.ReloadOutcome.RELOADED, r.outcome(), r.message());
        assertEquals(List.of("e"), r.added());
        assertEquals(List.of("b"), r.removed());
        assertEquals(List.of("c"), r.changed());
        Map<String, Monitor> after = byId();
        assertEquals(List.of("a", "c", "d", "e"), List.copyOf(after.keySet()));
        assertSame(before.get("a"), after.get("a"), "an unchanged monitor runs on");
        assertEquals(Monitor.State.RUNNING, after.get("a").state());
        assertEquals(Monitor.State.STOPPED, before.get("b").state());
        assertEquals(Monitor.State.STOPPED, before.get("c").state());
        assertNotSame(before.get("c"), after.get("c"));
        assertEquals(Map.of("v", "2"), after.get("c").config().tags());
        awaitRunning(after.get("c"));
        awaitRunning(after.get("e"));
    }

    @Test
    void aReloadWithAnInvalidFileKeepsTheRunningMonitorsAndReportsEveryProblem() throws Exception {
        started();
        Map<String, Monitor> before = byId();
        Files.writeString(monitors, """
                monitors:
                  - id: a
                    hostname: %s
                    tls: {ca: /no/such/ca.pem}
                  - id: b
                    hostname: %s
                    no-such-key: 1
                """.formatted(db.hostPort(), db.hostPort()));

        Server.Reload r = server.reload();

        assertEquals(Server.ReloadOutcome.INVALID, r.outcome());
        assertTrue(r.message().contains("/no/such/ca.pem"), r.message());
        assertTrue(r.message().contains("no-such-key"), r.message());
        assertEquals(before, byId());
        before.values().forEach(m -> assertTrue(m.state() != Monitor.State.STOPPED, m.id()));
    }

    @Test
    void stopLossRefusesAReloadThatWouldStopMoreMonitorsThanItAllows() throws Exception {
        writeConfig("50%");
        started();
        writeMonitors("a");

        Server.Reload r = server.reload();

        assertEquals(Server.ReloadOutcome.STOP_LOSS, r.outcome());
        assertEquals("3 of 4 monitors would stop ([b, c, d]), more than monitor-loader.stop-loss 50% allows; "
                + "nothing changed", r.message());
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(byId().keySet()));

        writeMonitors("a", "b");
        assertEquals(Server.ReloadOutcome.RELOADED, server.reload().outcome(), "2 of 4 is 50%: allowed");
        assertEquals(List.of("a", "b"), List.copyOf(byId().keySet()));
    }

    @Test
    void aMonitorStoppedByIdStaysLoadedAndStartsAgain() throws Exception {
        started();
        Monitor b = byId().get("b");
        awaitRunning(b);

        assertEquals(Server.Control.DONE, server.stop("b"));
        assertEquals(Server.Control.ALREADY, server.stop("b"));
        assertEquals(Monitor.State.STOPPED, b.state());
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(byId().keySet()));
        assertEquals(Server.Control.UNKNOWN_ID, server.stop("zz"));
        assertEquals(Server.Control.UNKNOWN_ID, server.start("zz"));

        assertEquals(Server.Control.DONE, server.start("b"));
        assertEquals(Server.Control.ALREADY, server.start("b"));
        Monitor again = byId().get("b");
        assertNotSame(b, again);
        awaitRunning(again);
    }

    @Test
    void everyReloadTellsTheLiveSinksOnceWhetherItChangedNothingOrWasRefused() throws Exception {
        Path log = Files.createFile(dir.resolve("reloads.log"));
        writeConfig("50%", "reloads: {log: \"" + log + "\"}");
        started(reloadsPlugin());
        assertEquals(List.of("made"), Files.readAllLines(log), "one sink for the four monitors: their options are equal");

        assertEquals(Server.ReloadOutcome.RELOADED, server.reload().outcome());
        assertEquals(List.of("made", "reload"), Files.readAllLines(log), "nothing changed: the sink lives on");

        Files.writeString(monitors, "monitors:\n  - id: a\n    no-such-key: 1\n");
        assertEquals(Server.ReloadOutcome.INVALID, server.reload().outcome());
        assertEquals(List.of("made", "reload", "reload"), Files.readAllLines(log));

        writeMonitors("a");
        assertEquals(Server.ReloadOutcome.STOP_LOSS, server.reload().outcome());
        assertEquals(List.of("made", "reload", "reload", "reload"), Files.readAllLines(log));
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(byId().keySet()));
    }

    @Test
    void stopLossValues() {
        assertTrue(StopLoss.parse("2").refuses(3, 10));
        assertTrue(!StopLoss.parse("2").refuses(2, 10));
        assertTrue(StopLoss.parse("10%").refuses(2, 10));
        assertTrue(!StopLoss.parse("10%").refuses(1, 10));
        assertTrue(!StopLoss.parse("").refuses(10, 10));
        assertTrue(!StopLoss.parse("0").refuses(10, 10));
    }
}
