package io.blip.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.time.Time;
import io.blip.runtime.config.ApiConfig;
import io.blip.runtime.config.BlipConfig;
import io.blip.runtime.config.ConfigLoader;
import io.blip.runtime.config.ConfigPrinter;
import io.blip.runtime.config.Declarations;
import io.blip.runtime.config.LoadContext;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config full of secrets behind a token: no response of any endpoint, success or error, with
 * the token or without, carries one of them.
 */
class ApiSecretsTest {
    private static final String TOKEN = "api-token-71c2d9";
    private static final List<String> SECRETS = List.of(TOKEN, "mysql-pw-4411", "monitor-pw-9921", "dd-key-5093",
            "otlp-header-3318", "env-pw-2284");

    @TempDir
    Path dir;

    @Test
    void noResponseCarriesASecret() throws Exception {
        Path config = Files.writeString(dir.resolve("blip.yaml"), """
                api:
                  bind: 127.0.0.1:0
                  auth-token-file: token
                http:
                  proxy: http://proxy.test:3128
                mysql:
                  username: blip
                  password: mysql-pw-4411
                sinks:
                  datadog:
                    api-key: dd-key-5093
                  otlp:
                    headers:
                      x-api-key: otlp-header-3318
                monitors:
                  - id: db1
                    hostname: db1.test
                    password: monitor-pw-9921
                  - id: db2
                    hostname: db2.test
                    password: ${DB2_PASSWORD}
                """);
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        var declarations = Declarations.NONE
                .withSink("datadog", OptionSet.of(Option.string("api-key", "key").asSecret()))
                .withSink("otlp", OptionSet.of(Option.map("headers", "request headers").asSecret()));
        BlipConfig loaded = ConfigLoader.load(config, LoadContext.of(Map.of("DB2_PASSWORD", "env-pw-2284"), declarations));
        assertEquals(dir.resolve("token").toString(), loaded.api().authTokenFile());

        var backend = new TestBackend();
        backend.config = ConfigPrinter.tree(loaded);
        backend.readiness = new ApiBackend.Readiness(Map.of("db2", "no collection yet"));
        backend.reload = new ApiBackend.Outcome.Conflict("monitors.yaml:3: password: '...' is not valid");

        var replies = new ArrayList<HttpResponse<String>>();
        try (ApiServer server = ApiServer.bind(loaded.api(), backend, "1.2.3", Time.system())) {
            server.start();
            var client = new ApiClient(server);
            for (String token : new String[] {null, TOKEN, "wrong"}) {
                for (String get : List.of("/status", "/status/monitors", "/status/monitor/internal?id=db1",
                        "/status/monitor/internal?id=nope", "/status/monitor/internal", "/monitors", "/registered",
                        "/config", "/config?json", "/debug", "/version", "/health", "/ready", "/nope",
                        "/monitors/reload")) {
                    replies.add(client.send("GET", get, token));
                }
                for (String post : List.of("/monitors/reload", "/monitors/start?id=db1", "/monitors/stop?id=db1",
                        "/monitors/stop?id=db1", "/monitors/start", "/monitors/start?id=nope", "/status")) {
                    replies.add(client.send("POST", post, token));
                }
            }
        }

        assertTrue(replies.stream().anyMatch(r -> r.uri().getPath().equals("/config") && r.statusCode() == 200
                && r.body().contains("password: '...'")), "the config was served, masked");
        for (HttpResponse<String> reply : replies) {
            String all = reply.headers().map() + "\n" + reply.body();
            for (String secret : SECRETS) {
                assertFalse(all.contains(secret), reply.request().method() + " " + reply.uri() + " leaks " + secret
                        + ":\n" + all);
            }
        }
    }
}
