package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.runtime.event.Event;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.LogEvents;
import io.blip.testkit.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blip's events in the log, by name, as a server lives: boot, monitors connecting (one to nothing),
 * collecting with a failing domain, a reload, the stop; and a boot that fails. Each line for an event
 * starts with its name: {@code <event>: monitor <id>: ...} for a monitor's, {@code <event>: ...} for
 * the server's.
 */
class EventsTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final VirtualTime time = new VirtualTime(START);
    private final LogEvents log = new LogEvents("io.blip.runtime");
    private EmbeddedMariaDb db;
    private Server server;
    private int closedPort;

    @BeforeEach
    void config() throws Exception {
        db = EmbeddedMariaDb.shared();
        // No PROCESS: the trx domain (information_schema.innodb_trx) fails in every collection.
        db.createUser("events", "events-pw", "SELECT ON *.*");
        try (var probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Files.writeString(dir.resolve("fast.yaml"), """
                fast:
                  freq: 1s
                  collect:
                    status.global:
                      metrics: [queries]
                    trx: {}
                """);
        writeMonitors("  - id: ev1\n    hostname: " + db.hostPort() + "\n");
        Files.writeString(dir.resolve("blip.yaml"), """
                api: {bind: "127.0.0.1:0"}
                mysql:
                  username: events
                  password: events-pw
                sinks:
                  noop: {}
                plans:
                  files: [fast.yaml]
                monitor-loader:
                  files: [monitors.yaml]
                """);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        log.close();
    }

    private void writeMonitors(String monitors) throws Exception {
        Files.writeString(dir.resolve("monitors.yaml"), "monitors:\n" + monitors
                + "  - id: down\n    hostname: 127.0.0.1:" + closedPort + "\n");
    }

    private CliOptions options() {
        return new CliOptions(dir.resolve("blip.yaml"), dir.resolve("no-plugins"), false, false, false, false, false,
                false, false, true);
    }

    private Monitor monitor(String id) {
        return server.monitors().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    /** Moves time on until a collection of {@code m} has counted a failure of {@code domain}. */
    private void awaitFailure(Monitor m, String domain) throws Exception {
        for (int s = 0; s < 30; s++) {
            var next = m.nextHealth().toCompletableFuture();
            time.advance(Duration.ofSeconds(1));
            MonitorHealth h = next.get(30, TimeUnit.SECONDS);
            if (h.errors().getOrDefault(domain, 0L) > 0) {
                return;
            }
        }
        throw new AssertionError(domain + " never failed; log:\n" + String.join("\n", log.all()));
    }

    /**
     * Like {@link #line}, for a line that a real connection attempt on another thread logs (refused by
     * a closed port): it may come a little after the time it is due.
     */
    private String awaitLine(String level, String prefix) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (log.at(level).stream().anyMatch(l -> l.startsWith(prefix))) {
                break;
            }
            Thread.sleep(20);
        }
        return line(level, prefix);
    }

    /** The first line at {@code level} that starts with {@code prefix}; fails with the whole log when none does. */
    private String line(String level, String prefix) {
        return log.at(level).stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + level + " line starting '" + prefix + "' in:\n"
                        + String.join("\n", log.all())));
    }

    @Test
    void aServersLifeIsLoggedByBlipsEventNames() throws Exception {
        server = Server.boot(options(), Map.of(), System.out, time);
        server.run();
        Running.await(monitor("ev1"), time);
        awaitFailure(monitor("ev1"), "trx");

        line("INFO", Event.BOOT_START + ": blip ");
        line("INFO", Event.BOOT_CONFIG_LOADING + ": " + dir.resolve("blip.yaml"));
        line("INFO", Event.PLANS_LOAD_SHARED + ": plans.files [fast.yaml]");
        assertEquals(Event.BOOT_CONFIG_LOADED + ": " + dir.resolve("blip.yaml") + ": 2 monitor(s)",
                line("INFO", Event.BOOT_CONFIG_LOADED + ":"));
        assertEquals(Event.BOOT_SUCCESS + ": 2 monitor(s)", line("INFO", Event.BOOT_SUCCESS + ":"));
        assertEquals(Event.SERVER_RUN + ": 2 monitor(s)", line("INFO", Event.SERVER_RUN + ":"));
        line("INFO", Event.MONITORS_STARTING + ": 2 monitor(s), ");
        line("INFO", Event.MONITORS_STARTED + ": 2 monitor(s)");
        line("INFO", Event.MONITOR_STARTED + ": monitor ev1: connecting in ");
        line("INFO", Event.MONITOR_STARTED + ": monitor down: connecting in ");
        assertEquals(Event.CONNECTING + ": monitor ev1: connecting to events:...@tcp(" + db.hostPort() + ")/",
                line("INFO", Event.CONNECTING + ": monitor ev1:"));
        assertEquals(Event.CONNECTED + ": monitor ev1: collecting plan fast.yaml (levels: [fast 1s])",
                line("INFO", Event.CONNECTED + ": monitor ev1:"));
        awaitLine("WARN", Event.MONITOR_ERROR + ": monitor down: not ready: ");
        line("WARN", Event.COLLECTOR_ERROR + ": monitor ev1: trx failed in level fast: ");
        assertTrue(log.all().stream().noneMatch(l -> l.contains("status.global failed")), "status.global collects");

        writeMonitors("  - id: ev1\n    hostname: " + db.hostPort() + "\n  - id: ev2\n    hostname: " + db.hostPort()
                + "\n");
        Server.Reload reload = server.reload();
        assertEquals(Server.ReloadOutcome.RELOADED, reload.outcome(), reload.message());
        Running.await(monitor("ev2"), time);
        line("INFO", Event.MONITORS_LOADING + ": reload");
        assertEquals(Event.MONITORS_LOADED + ": reload: added [ev2], removed [], changed []",
                line("INFO", Event.MONITORS_LOADED + ": reload"));
        line("INFO", Event.MONITORS_STARTING + ": 1 monitor(s), ");
        line("INFO", Event.MONITOR_STARTED + ": monitor ev2: ");
        line("INFO", Event.CONNECTED + ": monitor ev2: collecting plan fast.yaml");

        server.close();
        server = null;
        assertEquals(Event.MONITOR_STOPPED + ": monitor ev1: stopped", line("INFO", Event.MONITOR_STOPPED
                + ": monitor ev1:"));
        line("INFO", Event.MONITOR_STOPPED + ": monitor down:");
        assertEquals(List.of(Event.SERVER_STOPPED.blipName()),
                log.at("INFO").stream().filter(l -> l.startsWith(Event.SERVER_STOPPED.blipName())).toList());
    }

    @Test
    void aRefusedReloadAndAnInvalidBootAreEvents() throws Exception {
        server = Server.boot(options(), Map.of(), System.out, time);
        server.run();
        Files.writeString(dir.resolve("monitors.yaml"), "monitors:\n  - id: ev1\n    hostnme: nowhere\n");
        assertEquals(Server.ReloadOutcome.INVALID, server.reload().outcome());
        line("SEVERE", Event.MONITORS_RELOAD_ERROR + ": the running monitors are kept:");
        server.close();
        server = null;

        var err = new ByteArrayOutputStream();
        int exit = Server.main(options(), Map.of(), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Cli.EXIT_ERROR, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("blip: boot failed:\n"), err.toString());
        assertEquals(Event.BOOT_CONFIG_INVALID + ": boot failed; the problems are listed above",
                line("SEVERE", Event.BOOT_CONFIG_INVALID + ":"));
    }
}
