package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.PromText;
import io.blip.testkit.VirtualTime;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blip's {@code exporter} keys: a monitor in {@code dual} mode serves scrapes in mysqld_exporter's
 * format on a listener of its own, besides its plan and sinks; what is not built yet is refused at
 * boot, naming the key.
 */
class FleetExporterTest {
    private static final String PASSWORD = "exporter-e2e-pw-7731";

    @TempDir
    Path dir;

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedMariaDb db;
    private Server server;

    @BeforeEach
    void user() {
        db = EmbeddedMariaDb.shared();
        db.createUser("exp_e2e", PASSWORD, "SELECT, PROCESS, REPLICATION CLIENT, SLAVE MONITOR ON *.*");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Server boot(String monitors) throws Exception {
        Files.writeString(dir.resolve("two-levels.yaml"), """
                fast:
                  freq: 1s
                  collect:
                    status.global: {metrics: [queries]}
                slow:
                  freq: 10s
                  collect:
                    var.global: {metrics: [max_connections]}
                """);
        Files.writeString(dir.resolve("blip.yaml"), """
                api:
                  bind: 127.0.0.1:0
                mysql:
                  username: exp_e2e
                  password: %s
                sinks:
                  noop: {}
                monitors:
                %s""".formatted(PASSWORD, monitors));
        return Server.boot(new CliOptions(dir.resolve("blip.yaml"), dir.resolve("no-plugins"), false, false, false,
                false, false, false, false, true), Map.of(), System.out, time);
    }

    private Monitor monitor(String id) {
        return server.monitors().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void dualModeServesTheExportersFormatOnTheMonitorsOwnListener() throws Exception {
        server = boot("""
                  - id: a
                    hostname: %s
                    exporter:
                      mode: dual
                      flags:
                        web.listen-address: 127.0.0.1:0
                        web.telemetry-path: /scrape
                """.formatted(db.hostPort()));
        server.run();
        InetSocketAddress at = monitor("a").listenAddress().orElseThrow();
        URI base = URI.create("http://127.0.0.1:" + at.getPort());

        var scrape = http.send(HttpRequest.newBuilder(base.resolve("/scrape")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, scrape.statusCode(), scrape.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", scrape.headers().firstValue("Content-Type").orElse(""));
        var families = PromText.parse(scrape.body());
        assertTrue(families.stream().anyMatch(f -> f.name().equals("mysql_global_status_commands_total")
                && f.type().equals("counter")), scrape.body());
        assertTrue(scrape.body().lines().anyMatch("mysql_up 1"::equals), scrape.body());
        assertTrue(!scrape.body().contains(PASSWORD));
        assertEquals(404, http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "only the telemetry path answers");
        assertEquals("listening on 127.0.0.1:" + at.getPort(), monitor("a").status().get("exporter"));
        assertTrue(monitor("a").status().containsKey("sink:noop"), "dual: its sinks too");

        server.close();
        server = null;
        assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(base.resolve("/scrape")).build(),
                HttpResponse.BodyHandlers.ofString()), "the listener stops with the monitor");
    }

    /** Without a listener of its own, a monitor's exporter keys still set what the API's /probe does. */
    @Test
    void scrapeTimeoutAppliesToProbeWithoutAListener() throws Exception {
        server = boot("""
                  - id: a
                    hostname: %s
                    exporter:
                      scrape-timeout: 3s
                """.formatted(db.hostPort()));
        assertEquals(java.time.Duration.ofSeconds(3), monitor("a").exporter().timeout());
        assertTrue(monitor("a").listenAddress().isEmpty(), "no mode: no listener");
    }

    @Test
    void whatIsNotBuiltYetIsRefusedAtBootNamingTheKey() {
        BlipException legacy = assertThrows(BlipException.class, () -> boot("""
                  - id: a
                    hostname: %s
                    exporter:
                      mode: legacy
                """.formatted(db.hostPort())));
        assertTrue(legacy.getMessage().contains("monitors[0].exporter.mode: legacy (scrapes only, no plan and no sinks)"
                + " is not supported yet"), legacy.getMessage());

        BlipException webConfig = assertThrows(BlipException.class, () -> boot("""
                  - id: a
                    hostname: %s
                    exporter:
                      mode: dual
                      flags:
                        web.config.file: web.yml
                """.formatted(db.hostPort())));
        assertTrue(webConfig.getMessage().contains("exporter.flags.web.config.file: the exporter-toolkit web config"),
                webConfig.getMessage());
    }

    @Test
    void twoMonitorsOnOneAddressAreABootErrorNamingBoth() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        BlipException e = assertThrows(BlipException.class, () -> boot("""
                  - id: a
                    hostname: %1$s
                    exporter: {mode: dual, flags: {web.listen-address: "127.0.0.1:%2$d"}}
                  - id: b
                    hostname: %1$s
                    exporter: {mode: dual, flags: {web.listen-address: "127.0.0.1:%2$d"}}
                """.formatted(db.hostPort(), port)));
        assertTrue(e.getMessage().contains("monitors a and b both set exporter.flags.web.listen-address 127.0.0.1:"
                + port), e.getMessage());
    }

    @Test
    void theExporterPlanHasOneLevel() {
        BlipException e = assertThrows(BlipException.class, () -> boot("""
                  - id: a
                    hostname: %s
                    plans:
                      files: [two-levels.yaml]
                    exporter:
                      mode: dual
                      plan: two-levels.yaml
                      flags: {web.listen-address: "127.0.0.1:0"}
                """.formatted(db.hostPort())));
        assertTrue(e.getMessage().contains("exporter.plan: plan 'two-levels.yaml' has 2 levels; an exporter plan has"
                + " one"), e.getMessage());
    }
}
