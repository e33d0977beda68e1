package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestSecrets;
import io.blip.testkit.VirtualTime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R23: a reload through the API ({@code POST /monitors/reload}) that would stop more monitors than
 * {@code monitor-loader.stop-loss} allows is refused with 412 and changes nothing; one within it, and a
 * reload that stops none, goes through. Both of the key's forms: a number and a percentage.
 */
class R23StopLossReloadTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> measured = new ArrayList<>();

    @Test
    void aReloadBeyondTheStopLossIsRefusedWith412AndChangesNothingInBothForms() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("stop_loss", TestSecrets.secret("R23StopLossReloadTest.password", "stop-loss-pw"), "SELECT, PROCESS ON *.*");
        // stop-loss "2": stopping 3 of 5 is refused, 2 of 5 allowed.
        check(db, "2", List.of("a", "b", "c", "d", "e"), List.of("a", "b"), List.of("a", "b", "c"));
        // stop-loss "50%": stopping 3 of 4 (75 %) is refused, 2 of 4 (50 %) allowed.
        check(db, "50%", List.of("a", "b", "c", "d"), List.of("a"), List.of("a", "b"));

        Reliability.figure("R23", R23StopLossReloadTest.class, String.join("; ", measured));
    }

    private void check(EmbeddedMariaDb db, String stopLoss, List<String> loaded, List<String> tooFew,
                       List<String> allowed) throws Exception {
        Path config = dir.resolve("blip-" + stopLoss.replace("%", "pct") + ".yaml");
        Path monitors = dir.resolve("monitors.yaml");
        writeMonitors(monitors, db, loaded);
        Files.writeString(config, """
                api: {bind: "127.0.0.1:0"}
                mysql:
                  username: stop_loss
                  password: stop-loss-pw
                sinks:
                  noop: {}
                monitor-loader:
                  files: [monitors.yaml]
                  stop-loss: "%s"
                """.formatted(stopLoss));
        Server server = Server.boot(new CliOptions(config, dir.resolve("no-plugins"), false, false, false, false,
                false, false, false, true), Map.of(), System.out,
                new VirtualTime(Instant.parse("2026-01-01T00:00:00Z")));
        try {
            server.run();
            URI base = URI.create("http://127.0.0.1:" + server.apiAddress().orElseThrow().getPort());
            List<Monitor> before = server.monitors();

            HttpResponse<String> plain = reload(base);
            assertEquals(200, plain.statusCode(), "a reload that stops none never trips: " + plain.body());
            assertEquals(before, server.monitors(), "the same monitors, untouched");

            writeMonitors(monitors, db, tooFew);
            HttpResponse<String> refused = reload(base);
            int stopping = loaded.size() - tooFew.size();
            assertEquals(412, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains(stopping + " of " + loaded.size() + " monitors would stop"),
                    refused.body());
            List<String> afterRefused = ids(server);
            assertEquals(loaded, afterRefused, "the loaded set is unchanged");
            assertEquals(before, server.monitors(), "the same monitor objects run on");

            writeMonitors(monitors, db, allowed);
            HttpResponse<String> ok = reload(base);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(allowed, ids(server));

            measured.add(String.format("stop-loss \"%s\" with %d monitors: a reload stopping none 200, stopping %d"
                            + " %d (loaded set unchanged: %s), stopping %d 200", stopLoss, loaded.size(), stopping,
                    refused.statusCode(), afterRefused, loaded.size() - allowed.size()));
        } finally {
            server.close();
        }
    }

    private HttpResponse<String> reload(URI base) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/monitors/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> ids(Server server) {
        return server.monitors().stream().map(Monitor::id).toList();
    }

    private static void writeMonitors(Path file, EmbeddedMariaDb db, List<String> ids) throws Exception {
        var text = new StringBuilder("monitors:\n");
        for (String id : ids) {
            text.append("  - id: ").append(id).append("\n    hostname: ").append(db.hostPort()).append('\n');
        }
        Files.writeString(file, text.toString());
    }
}
