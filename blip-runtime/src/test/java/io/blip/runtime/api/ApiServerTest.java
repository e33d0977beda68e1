package io.blip.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.time.Time;
import io.blip.runtime.api.ApiBackend.Outcome;
import io.blip.runtime.api.ApiBackend.Readiness;
import io.blip.runtime.config.ApiConfig;
import io.blip.runtime.config.ConfigPrinter;
import io.blip.testkit.VirtualTime;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every endpoint over real HTTP on loopback: Blip's paths, status codes and JSON shapes. */
class ApiServerTest {
    private final TestBackend backend = new TestBackend();
    private final VirtualTime time = new VirtualTime(TestBackend.STARTED.plusSeconds(22));
    private ApiServer server;
    private ApiClient client;

    @BeforeEach
    void start() {
        server = ApiServer.bind(new ApiConfig("127.0.0.1:0", false), backend, "1.2.3", time);
        server.start();
        client = new ApiClient(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void assertReply(int status, String body, HttpResponse<String> reply) {
        assertEquals(body, reply.body(), reply.uri().toString());
        assertEquals(status, reply.statusCode(), reply.uri() + ": " + reply.body());
    }

    private static String type(HttpResponse<String> reply) {
        return reply.headers().firstValue("Content-Type").orElse("");
    }

    @Test
    void statusIsBlipsMapOfTextsWithUptimeAndVersion() throws Exception {
        HttpResponse<String> reply = client.get("/status");

        assertReply(200, """
                {"monitor-loader":"2 monitors started at 2026-12-04T21:00:00Z","monitors":"2",\
                "server":"running since 2026-12-04T21:00:00Z","started":"2026-12-04T21:00:00Z","uptime":"22",\
                "version":"1.2.3"}
                """, reply);
        assertEquals("application/json", type(reply));
    }

    @Test
    void aShardedServersStatusSaysWhichShardItIsAndWhatEachOwns() throws Exception {
        backend.status = new ApiBackend.ServerStatus(TestBackend.STARTED, "running since 2026-12-04T21:00:00Z",
                "2 monitors started at 2026-12-04T21:00:00Z", 2, "1/3 (auto): 2 of the 6 monitors loaded"
                + " (shard 0: 3, shard 2: 1)");

        assertReply(200, """
                {"monitor-loader":"2 monitors started at 2026-12-04T21:00:00Z","monitors":"2",\
                "server":"running since 2026-12-04T21:00:00Z",\
                "shard":"1/3 (auto): 2 of the 6 monitors loaded (shard 0: 3, shard 2: 1)",\
                "started":"2026-12-04T21:00:00Z","uptime":"22","version":"1.2.3"}
                """, client.get("/status"));
    }

    @Test
    void statusMonitorsIsEveryMonitorsComponentsSortedAsGoWritesMaps() throws Exception {
        assertReply(200, """
                {"db1":{"dsn":"blip:...@unix(/tmp/mysql.sock)/","engine-plan":"default-mysql","level-state":"active",\
                "monitor":"running since 2026-12-04T21:00:01Z"},\
                "db2":{"dsn":"blip:...@tcp(db2.test:3306)/","engine-plan":"default-mysql","level-state":"active",\
                "monitor":"running since 2026-12-04T21:00:01Z"}}
                """, client.get("/status/monitors"));
    }

    @Test
    void statusMonitorInternalIsBlipsMonitorStatusWithTheLastHealth() throws Exception {
        assertReply(200, """
                {"MonitorId":"db1","DSN":"blip:...@unix(/tmp/mysql.sock)/","Started":true,\
                "Collector":{"State":"running","Plan":"default-mysql","LastCollectTs":"2026-12-04T21:00:05Z"},\
                "Health":{"Time":"2026-12-04T21:00:05Z","Started":"2026-12-04T21:00:00Z","Up":true,\
                "Levels":{"kpi":{"Collections":5,"LastDuration":2000000}},"Errors":{"size.binlog":1},"Skipped":0,\
                "Sinks":[{"Name":"log","Sent":5,"Queued":0,"Dropped":0,"Rejected":0,"Failed":0,"Retries":1}]}}
                """, client.get("/status/monitor/internal?id=db1"));
        assertReply(400, "missing id=monitorId in query\n", client.get("/status/monitor/internal"));
        assertReply(400, "missing id=monitorId in query\n", client.get("/status/monitor/internal?id="));
        assertReply(404, "monitor nope not loaded\n", client.get("/status/monitor/internal?id=nope"));
    }

    @Test
    void monitorsMapsIdsToRedactedDsns() throws Exception {
        assertReply(200, """
                {"db1":"blip:...@unix(/tmp/mysql.sock)/","db2":"blip:...@tcp(db2.test:3306)/"}
                """, client.get("/monitors"));
    }

    @Test
    void registeredListsCollectorsAndSinksSorted() throws Exception {
        assertReply(200, """
                {"collectors":["status.global","var.global"],"sinks":["log","noop"]}
                """, client.get("/registered"));
    }

    @Test
    void configIsYamlByDefaultAndJsonWithTheJsonKey() throws Exception {
        backend.config = new java.util.LinkedHashMap<>(Map.of("api", Map.of("bind", "127.0.0.1:7522")));
        backend.config.put("monitors", List.of());

        HttpResponse<String> yaml = client.get("/config");
        assertReply(200, ConfigPrinter.yaml(backend.config), yaml);
        assertTrue(yaml.body().startsWith("api:\n  bind: 127.0.0.1:7522\n"), yaml.body());
        assertEquals("application/yaml; charset=utf-8", type(yaml));

        backend.config = new java.util.LinkedHashMap<>(Map.of("api", Map.of("bind", "127.0.0.1:7522")));
        backend.config.put("monitors", List.of(Map.of("id", "db1")));
        assertReply(200, """
                {"api":{"bind":"127.0.0.1:7522"},"monitors":[{"id":"db1"}]}
                """, client.get("/config?json"));
        assertReply(200, """
                {"api":{"bind":"127.0.0.1:7522"},"monitors":[{"id":"db1"}]}
                """, client.get("/config?json=1"));
    }

    @Test
    void debugTogglesAndSaysWhetherItIsOn() throws Exception {
        assertReply(200, "{\"debugging\":true}\n", client.get("/debug"));
        assertReply(200, "{\"debugging\":false}\n", client.get("/debug"));
    }

    @Test
    void versionIsAJsonString() throws Exception {
        assertReply(200, "\"1.2.3\"\n", client.get("/version"));
    }

    @Test
    void healthIsLiveWhileTheServerServes() throws Exception {
        assertReply(200, "{\"live\":true}\n", client.get("/health"));
    }

    @Test
    void readyIs503NamingTheMonitorsWhoseLastCollectionIsNotFresh() throws Exception {
        assertReply(200, "{\"ready\":true}\n", client.get("/ready"));

        backend.readiness = new Readiness(Map.of("db2", "last collection 12s ago; level kpi runs every 1s",
                "db1", "no collection yet"));
        assertReply(503, """
                {"ready":false,"not-ready":{"db1":"no collection yet",\
                "db2":"last collection 12s ago; level kpi runs every 1s"}}
                """, client.get("/ready"));
    }

    @Test
    void reloadAnswersBlipsStatusCodes() throws Exception {
        assertReply(200, "", client.post("/monitors/reload"));

        backend.reload = new Outcome.Conflict(List.of("monitors/a.yaml:2: hostname: unknown key",
                "monitors/b.yaml: monitor file monitors/b.yaml does not exist"));
        assertReply(409, """
                Error reloading monitors: monitors/a.yaml:2: hostname: unknown key
                monitors/b.yaml: monitor file monitors/b.yaml does not exist
                """, client.post("/monitors/reload"));

        backend.reload = new Outcome.Conflict("a reload is running");
        assertReply(409, "Error reloading monitors: a reload is running\n", client.post("/monitors/reload"));

        backend.reload = new Outcome.StopLoss("it would stop 3 of 4 monitors (75%); monitor-loader.stop-loss is 50%");
        assertReply(412, "Stop-loss prevented reloading: it would stop 3 of 4 monitors (75%);"
                + " monitor-loader.stop-loss is 50%\n", client.post("/monitors/reload"));
        assertEquals(List.of("reload", "reload", "reload", "reload"), backend.calls);
    }

    @Test
    void startAndStopTakeAnIdAndSayWhenTheMonitorIsAlreadyThere() throws Exception {
        assertReply(400, "missing id=monitorId in query\n", client.post("/monitors/stop"));
        assertReply(404, "monitor nope not loaded\n", client.post("/monitors/stop?id=nope"));
        assertReply(404, "monitor nope not loaded\n", client.post("/monitors/start?id=nope"));

        assertReply(200, "", client.post("/monitors/stop?id=db1"));
        assertReply(409, "Error stopping monitor db1: already stopped\n", client.post("/monitors/stop?id=db1"));
        assertReply(200, "", client.post("/monitors/start?id=db1"));
        assertReply(409, "Error starting monitor db1: already running\n", client.post("/monitors/start?id=db1"));
        assertEquals(List.of("stop nope", "start nope", "stop db1", "stop db1", "start db1", "start db1"), backend.calls);
    }

    @Test
    void anIdIsUrlDecodedAndItsControlCharactersNeverReachTheReply() throws Exception {
        assertReply(404, "monitor db 1evil not loaded\n", client.post("/monitors/start?id=db%201%0D%0Aevil"));
    }

    @Test
    void aWrongMethodIs405WithAllowAndAnUnknownPathIs404() throws Exception {
        HttpResponse<String> getReload = client.get("/monitors/reload");
        assertReply(405, "GET is not allowed on /monitors/reload; use POST\n", getReload);
        assertEquals(Optional.of("POST"), getReload.headers().firstValue("Allow"));

        HttpResponse<String> postStatus = client.post("/status");
        assertEquals(405, postStatus.statusCode());
        assertEquals(Optional.of("GET"), postStatus.headers().firstValue("Allow"));
        assertEquals(405, client.send("DELETE", "/monitors/stop?id=db1", null).statusCode());
        assertEquals(List.of(), backend.calls);

        assertReply(404, "404 page not found\n", client.get("/plugins"));
        assertReply(404, "404 page not found\n", client.get("/status/"));
    }

    @Test
    void aBackendFailureIs500AndTheServerKeepsServing() throws Exception {
        var failing = new TestBackend() {
            @Override
            public Map<String, String> monitors() {
                throw new IllegalStateException("boom");
            }
        };
        try (ApiServer other = ApiServer.bind(new ApiConfig("127.0.0.1:0", false), failing, "1.2.3", time)) {
            other.start();
            var otherClient = new ApiClient(other);
            assertReply(500, "internal error; see Blip's log\n", otherClient.get("/monitors"));
            assertReply(200, "{\"live\":true}\n", otherClient.get("/health"));
        }
    }

    @Test
    void aSlowControlDoesNotHoldUpOtherRequests() throws Exception {
        var release = new java.util.concurrent.CountDownLatch(1);
        var slow = new TestBackend() {
            @Override
            public Outcome reload() {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Outcome.DONE;
            }
        };
        try (ApiServer other = ApiServer.bind(new ApiConfig("127.0.0.1:0", false), slow, "1.2.3", time)) {
            other.start();
            var otherClient = new ApiClient(other);
            var reload = Thread.ofVirtual().start(() -> {
                try {
                    otherClient.post("/monitors/reload");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertReply(200, "{\"live\":true}\n", otherClient.get("/health"));
            release.countDown();
            reload.join();
        }
    }

    @Test
    void aTakenAddressIsABootErrorNamingApiBindAndTheAddress() {
        String bind = "127.0.0.1:" + server.address().getPort();

        BlipException e = assertThrows(BlipException.class,
                () -> ApiServer.bind(new ApiConfig(bind, false), backend, "1.2.3", Time.system()));

        assertEquals("api.bind: cannot listen on " + bind + ": Address already in use; is another Blip running?"
                + " Set api.bind to a free address, or api.disable: true", e.getMessage());
    }

    @Test
    void anAddressOfAnotherHostIsABootErrorNamingApiBindAndTheAddress() {
        BlipException e = assertThrows(BlipException.class, () -> ApiServer.bind(
                new ApiConfig("192.0.2.1:7522", false), backend, "1.2.3", Time.system()));

        assertEquals("api.bind: cannot listen on 192.0.2.1:7522: Cannot assign requested address; is the address this"
                + " host's? Set api.bind to a free address, or api.disable: true", e.getMessage());
    }

    @Test
    void anUnknownHostIsABootErrorNamingIt() {
        BlipException e = assertThrows(BlipException.class, () -> ApiServer.bind(
                new ApiConfig("no-such-host.invalid:7522", false), backend, "1.2.3", Time.system()));

        assertEquals("api.bind: cannot listen on no-such-host.invalid:7522: host 'no-such-host.invalid' is not known",
                e.getMessage());
    }

    @Test
    void uptimeFollowsTheServersTime() throws Exception {
        time.advance(Duration.ofSeconds(100));

        assertTrue(client.get("/status").body().contains("\"uptime\":\"122\""));
    }
}
