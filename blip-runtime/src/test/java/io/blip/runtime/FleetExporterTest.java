package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.runtime.http.Bcrypt;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.PromText;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.VirtualTime;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * format on a listener of its own, besides its plan and sinks; in {@code legacy} mode only that;
 * with the exporter-toolkit's web config; what Blip does not do is refused at boot, naming the key.
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
        var landing = http.send(HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, landing.statusCode(), "the exporter's landing page, e.g. for a probe of /");
        assertTrue(landing.body().contains("<h1>MySQLd exporter</h1>\n<p><a href='/scrape'>Metrics</a></p>"),
                landing.body());
        assertEquals("text/html; charset=utf-8", landing.headers().firstValue("Content-Type").orElse(""));
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
    void legacyModeOnlyServesScrapesWithNoPlanAndNoSinks() throws Exception {
        server = boot("""
                  - id: a
                    hostname: %s
                    exporter:
                      mode: legacy
                      flags:
                        web.listen-address: 127.0.0.1:0
                """.formatted(db.hostPort()));
        server.run();
        Monitor a = monitor("a");
        assertTrue(a.plan().levels().isEmpty(), "no level of its own to collect: " + a.plan());
        assertEquals("default-exporter", a.exporter().plan().name(), "its scrapes collect the exporter plan");
        assertTrue(a.status().keySet().stream().noneMatch(k -> k.startsWith("sink:")), "the fleet's noop sink is"
                + " not this monitor's: " + a.status());
        URI base = URI.create("http://127.0.0.1:" + a.listenAddress().orElseThrow().getPort());
        var scrape = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, scrape.statusCode(), scrape.body());
        assertTrue(scrape.body().lines().anyMatch("mysql_up 1"::equals), scrape.body());
        assertTrue(PromText.parse(scrape.body()).stream()
                .anyMatch(f -> f.name().equals("mysql_global_variables_max_connections")), scrape.body());
    }

    @Test
    void serveLatestAnswersFromTheMonitorsOwnCollectionAndSaysHowOld() throws Exception {
        Files.writeString(dir.resolve("exporter-like.yaml"), """
                prom:
                  freq: 10s
                  collect:
                    status.global: {options: {all: "yes"}}
                    var.global: {options: {all: "yes"}}
                    innodb: {options: {all: enabled}}
                """);
        server = boot("""
                  - id: a
                    hostname: %s
                    plans:
                      files: [exporter-like.yaml]
                    exporter:
                      mode: dual
                      serve-latest: true
                      flags: {web.listen-address: "127.0.0.1:0"}
                """.formatted(db.hostPort()));
        server.run();
        monitor("a").running().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        time.advance(java.time.Duration.ofMillis(2500)); // within the level's 10 s, no new collection
        URI base = URI.create("http://127.0.0.1:" + monitor("a").listenAddress().orElseThrow().getPort());
        String body = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(body.lines().anyMatch(l -> l.startsWith("blip_exporter_sample_age_seconds 2.5")), body);
        assertTrue(body.lines().anyMatch(l -> l.startsWith("mysql_global_variables_max_connections ")), body);
        assertTrue(body.lines().anyMatch("mysql_up 1"::equals), body);
        PromText.parse(body);
    }

    @Test
    void serveLatestWithNoLevelThatAnswersIsABootErrorNamingTheKey() {
        String e = bootError("""
                  - id: a
                    hostname: %s
                    plans:
                      files: [two-levels.yaml]
                    exporter:
                      serve-latest: true
                """.formatted(db.hostPort()));
        assertTrue(e.contains("monitors[0].exporter.serve-latest: no level of plan two-levels.yaml"
                + " collects what exporter plan default-exporter does"), e);
    }

    @Test
    void theWebConfigFileServesTlsAndBasicAuthAsTheExporterToolkitDoes() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("Exporter CA");
        TestCertificates.Issued cert = ca.server("blip.test", "DNS:blip.test", "IP:127.0.0.1");
        cert.writeChain(dir.resolve("server.pem"));
        cert.writeKey(dir.resolve("server-key.pem"), TestCertificates.KeyFormat.PKCS8);
        String hash = Bcrypt.hash("scrape-pw-5521", "sixteen byte slt".getBytes(StandardCharsets.US_ASCII), 4);
        Files.writeString(dir.resolve("web.yml"), """
                tls_server_config:
                  cert_file: server.pem
                  key_file: server-key.pem
                http_server_config:
                  headers:
                    X-Frame-Options: deny
                basic_auth_users:
                  prometheus: %s
                """.formatted(hash));
        server = boot("""
                  - id: a
                    hostname: %s
                    exporter:
                      mode: dual
                      flags:
                        web.listen-address: 127.0.0.1:0
                        web.config.file: web.yml
                """.formatted(db.hostPort()));
        server.run();
        int port = monitor("a").listenAddress().orElseThrow().getPort();
        HttpClient https = HttpClient.newBuilder().sslContext(ca.clientContext(null)).build();
        URI url = URI.create("https://127.0.0.1:" + port + "/metrics");
        var anonymous = https.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertEquals("Basic", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        var wrong = https.send(HttpRequest.newBuilder(url).header("Authorization", basic("prometheus", "nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode());
        for (int i = 0; i < 2; i++) { // the second from the listener's memory of good credentials
            var good = https.send(HttpRequest.newBuilder(url).header("Authorization", basic("prometheus",
                    "scrape-pw-5521")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, good.statusCode(), good.body());
            assertTrue(good.body().lines().anyMatch("mysql_up 1"::equals), good.body());
            assertEquals("deny", good.headers().firstValue("X-Frame-Options").orElse(""));
        }
        assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()),
                "TLS only");
    }

    @Test
    void whatTheWebConfigAsksAndBlipDoesNotDoIsABootErrorNamingTheKey() throws Exception {
        Files.writeString(dir.resolve("web.yml"), """
                tls_server_config:
                  cert_file: server.pem
                  key_file: server-key.pem
                  cipher_suites: [TLS_AES_128_GCM_SHA256]
                basic_auth_users:
                  prometheus: plain-text-not-a-hash
                rate_limit: {interval: 1s}
                """);
        String m = bootError("""
                  - id: a
                    hostname: %s
                    exporter:
                      mode: dual
                      flags:
                        web.listen-address: 127.0.0.1:0
                        web.config.file: web.yml
                """.formatted(db.hostPort()));
        assertTrue(m.contains("monitors[0].exporter.flags.web.config.file: " + dir.resolve("web.yml")
                + ": rate_limit: not supported by Blip's exporter listeners"), m);
        assertTrue(m.contains("web.yml: tls_server_config.cipher_suites: not supported"), m);
        assertTrue(m.contains("web.yml: basic_auth_users.prometheus: not a bcrypt hash"), m);
        assertFalse(m.contains("plain-text-not-a-hash"), "what stands for a password is never shown: " + m);
    }

    /** The message of the boot error these monitors make. */
    private String bootError(String monitors) {
        return assertThrows(BlipException.class, () -> boot(monitors)).getMessage();
    }

    private static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aQueryMayRunAsLongAsTheScrapeMayBeforeTheSocketTimeoutCutsItOff() {
        var legacy = io.blip.runtime.plan.MonitorPlans.of(new io.blip.api.plan.Plan("default-exporter", "", Map.of()));
        assertEquals(java.time.Duration.ofSeconds(32), Fleet.socketTimeout(legacy, java.time.Duration.ofSeconds(30)),
                "no level of its own: the scrape's limit, and 2 s");
        var levels = io.blip.runtime.plan.MonitorPlans.of(io.blip.runtime.plan.DefaultPlans.defaultExporter());
        assertTrue(Fleet.socketTimeout(levels, java.time.Duration.ofSeconds(1))
                .compareTo(java.time.Duration.ofSeconds(3)) > 0, "a level's longer limit wins");
    }

    @Test
    void legacyWithPlanChangingIsABootErrorNamingTheKey() {
        String e = bootError("""
                  - id: a
                    hostname: %s
                    plans:
                      change:
                        active: {plan: default-mysql}
                    exporter:
                      mode: legacy
                """.formatted(db.hostPort()));
        assertTrue(e.contains("monitors[0].plans.change: a monitor with exporter.mode legacy collects"
                + " no plan"), e);
    }

    @Test
    void aWebConfigFileWithoutAListenerOfItsOwnIsABootError() throws Exception {
        Files.writeString(dir.resolve("web.yml"), "basic_auth_users: {}\n");
        String e = bootError("""
                  - id: a
                    hostname: %s
                    exporter:
                      flags:
                        web.config.file: web.yml
                """.formatted(db.hostPort()));
        assertTrue(e.contains("monitors[0].exporter.flags.web.config.file: for the monitor's own"
                + " listener, which it has with exporter.mode dual or legacy"), e);
    }

    @Test
    void twoMonitorsOnOneAddressAreABootErrorNamingBoth() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String e = bootError("""
                  - id: a
                    hostname: %1$s
                    exporter: {mode: dual, flags: {web.listen-address: "127.0.0.1:%2$d"}}
                  - id: b
                    hostname: %1$s
                    exporter: {mode: dual, flags: {web.listen-address: "127.0.0.1:%2$d"}}
                """.formatted(db.hostPort(), port));
        assertTrue(e.contains("monitors a and b both set exporter.flags.web.listen-address 127.0.0.1:"
                + port), e);
    }

    @Test
    void theExporterPlanHasOneLevel() {
        String e = bootError("""
                  - id: a
                    hostname: %s
                    plans:
                      files: [two-levels.yaml]
                    exporter:
                      mode: dual
                      plan: two-levels.yaml
                      flags: {web.listen-address: "127.0.0.1:0"}
                """.formatted(db.hostPort()));
        assertTrue(e.contains("exporter.plan: plan 'two-levels.yaml' has 2 levels; an exporter plan has"
                + " one"), e);
    }
}
