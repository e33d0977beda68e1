package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.VirtualTime;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API of a real server (booted from a config file, monitors of a real MariaDB), through
 * real HTTP requests: what Blip's endpoints answer, and the controls doing what they say.
 */
class ServerApiTest {
    private static final String PASSWORD = "api-e2e-pw-5521";

    @TempDir
    Path dir;

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedMariaDb db;
    private Server server;
    private URI base;

    @BeforeEach
    void boot() throws Exception {
        db = EmbeddedMariaDb.shared();
        db.createUser("api_e2e", PASSWORD, "SELECT, PROCESS, REPLICATION CLIENT, SLAVE MONITOR ON *.*");
        writeMonitors("a", "b");
        Files.writeString(dir.resolve("blip.yaml"), """
                api:
                  bind: 127.0.0.1:0
                mysql:
                  username: api_e2e
                  password: %s
                sinks:
                  noop: {}
                monitor-loader:
                  files: [monitors.yaml]
                  stop-loss: "1"
                """.formatted(PASSWORD));
        server = Server.boot(new CliOptions(dir.resolve("blip.yaml"), dir.resolve("no-plugins"), false, false, false,
                false, false, false, false, true), Map.of(), System.out, time);
        server.run();
        InetSocketAddress at = server.apiAddress().orElseThrow();
        base = URI.create("http://127.0.0.1:" + at.getPort());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void writeMonitors(String... ids) throws Exception {
        var text = new StringBuilder("monitors:\n");
        for (String id : ids) {
            text.append("  - id: ").append(id).append("\n    hostname: ").append(db.hostPort()).append('\n');
        }
        Files.writeString(dir.resolve("monitors.yaml"), text.toString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitRunning() throws Exception {
        for (Monitor m : server.monitors()) {
            Running.await(m, time);
        }
    }

    /**
     * One Prometheus job scrapes the whole fleet, as with mysqld_exporter's multi-target mode: the
     * target is a monitor id, never a DSN, so no credentials go in URLs.
     */
    @Test
    void probeScrapesOneMonitorInTheExportersFormatAndMetricsIsBlipsOwn() throws Exception {
        awaitRunning();

        var probe = get("/probe?target=a");
        assertEquals(200, probe.statusCode(), probe.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", probe.headers().firstValue("Content-Type").orElse(""));
        assertTrue(probe.body().lines().anyMatch("mysql_up 1"::equals), probe.body());
        assertTrue(probe.body().contains("\nmysql_global_status_commands_total{command=\"select\"} "), probe.body());
        assertTrue(probe.body().contains("\n# TYPE mysql_global_variables_max_connections gauge\n"), probe.body());
        assertTrue(probe.body().lines().anyMatch("mysql_exporter_last_scrape_error 0"::equals), probe.body());
        assertTrue(!probe.body().contains(PASSWORD), "no secret in a scrape");

        assertEquals(404, get("/probe?target=nope").statusCode());
        var noTarget = get("/probe");
        assertEquals(400, noTarget.statusCode());
        assertEquals("missing target=monitorId in query", noTarget.body().strip());

        var metrics = get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().lines().anyMatch("blip_monitors 2"::equals), metrics.body());
        assertTrue(metrics.body().contains("\nblip_monitor_running{monitor=\"a\"} 1\n"), metrics.body());
        assertTrue(metrics.body().contains("\n# TYPE blip_monitor_collections_total counter\n"), metrics.body());
    }

    @Test
    void blipsEndpointsDescribeTheRunningServer() throws Exception {
        awaitRunning();

        var monitors = get("/monitors");
        assertEquals(200, monitors.statusCode());
        assertEquals("{\"a\":\"api_e2e:...@tcp(" + db.hostPort() + ")/\",\"b\":\"api_e2e:...@tcp(" + db.hostPort()
                + ")/\"}", monitors.body().strip());
        var status = get("/status");
        assertEquals(200, status.statusCode());
        assertTrue(status.body().contains("\"monitors\":\"2\""), status.body());
        assertTrue(status.body().contains("\"server\":\"running since 2026-01-01T00:00:00Z\""), status.body());
        var components = get("/status/monitors");
        assertTrue(components.body().contains("\"a\":{"), components.body());
        assertTrue(components.body().contains("\"engine-plan\":\"default-mysql\""), components.body());
        assertTrue(components.body().contains("\"monitor\":\"running\""), components.body());
        assertEquals(200, get("/ready").statusCode(), get("/ready").body());
        var registered = get("/registered");
        assertTrue(registered.body().contains("\"status.global\"") && registered.body().contains("\"noop\""),
                registered.body());
        var config = get("/config");
        assertTrue(config.body().contains("stop-loss: '1'") || config.body().contains("stop-loss: \"1\"")
                || config.body().contains("stop-loss: 1"), config.body());
        for (var r : List.of(monitors, status, components, registered, config, get("/config?json"),
                get("/status/monitor/internal?id=a"))) {
            assertFalse(r.body().contains(PASSWORD), r.uri() + ": " + r.body());
        }
    }

    @Test
    void startStopAndReloadThroughTheApi() throws Exception {
        awaitRunning();

        assertEquals(400, post("/monitors/stop").statusCode());
        assertEquals(404, post("/monitors/stop?id=zz").statusCode());
        assertEquals(200, post("/monitors/stop?id=b").statusCode());
        assertEquals(409, post("/monitors/stop?id=b").statusCode());
        assertEquals(503, get("/ready").statusCode());
        assertTrue(get("/ready").body().contains("\"b\":\"stopped\""), get("/ready").body());
        assertEquals(200, post("/monitors/start?id=b").statusCode());
        assertEquals(409, post("/monitors/start?id=b").statusCode());

        writeMonitors("a");
        assertEquals(200, post("/monitors/reload").statusCode());
        assertEquals(List.of("a"), server.monitors().stream().map(Monitor::id).toList());

        writeMonitors("a", "c", "d");
        assertEquals(200, post("/monitors/reload").statusCode());
        writeMonitors("a");
        var refused = post("/monitors/reload");
        assertEquals(412, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("2 of 3 monitors would stop ([c, d])"), refused.body());
        assertEquals(List.of("a", "c", "d"), server.monitors().stream().map(Monitor::id).toList());

        Files.writeString(dir.resolve("monitors.yaml"), "monitors:\n  - id: a\n    hostname: " + db.hostPort()
                + "\n    no-such-key: 1\n");
        var invalid = post("/monitors/reload");
        assertEquals(409, invalid.statusCode());
        assertTrue(invalid.body().contains("no-such-key"), invalid.body());
        assertEquals(List.of("a", "c", "d"), server.monitors().stream().map(Monitor::id).toList());
    }
}
