package io.blip.sink.datadog;

import com.google.gson.JsonObject;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.PluginBoot;
import io.blip.testkit.PluginDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.blip.sink.datadog.TestData.API_KEY;
import static io.blip.sink.datadog.TestData.APP_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blip's Datadog quick start (docs/content/intro/quick-start.md, "Minimum Config and Datadog"), booted
 * as bin/blip boots it: the runtime in its own JVM on the module path of lib/ (blip-api, the runtime,
 * the built-in domains and sinks, and their libraries), this sink as a plugin layer of its own from
 * {@code plugins/datadog/} (its jar, built from this module's classes), monitoring an embedded
 * MariaDB with the quick start's user, and sending to the fake Datadog intake. The one line added to
 * the quick start's config is {@code api-url}, to send to the fake instead of Datadog.
 */
class DatadogBootTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Blip's quick start, as its docs write it, with the keys put in for its "...". */
    private static final String QUICK_START = """
            monitors:
              - hostname: db.local
                username: blip
                password: blip

            sinks:
              datadog:
                api-key-auth: "..."
                app-key-auth: "..."
            """;

    @TempDir
    Path dir;

    @Test
    void blipsQuickStartConfigBootsAndDeliversToDatadog() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        // The quick start's user, with its grants.
        db.createUser("blip", "blip", "SELECT, REPLICATION CLIENT ON *.*");
        PluginBoot boot = boot();
        try (FakeDatadog dd = FakeDatadog.start(API_KEY, APP_KEY)) {
            Path config = Files.writeString(dir.resolve("blip.yaml"), QUICK_START
                    .replace("db.local", db.hostPort())
                    .replaceFirst("\"\\.\\.\\.\"", API_KEY).replaceFirst("\"\\.\\.\\.\"", APP_KEY)
                    + "    api-url: " + dd.url() + "\n");

            PluginBoot.Ended print = boot.run(config, "--print-config", "--run=false");

            assertEquals(0, print.exitValue(), print.output());

            String printed = print.output();
            assertNoKeys(printed);
            assertTrue(printed.contains("datadog"), printed);

            // SIGTERM once waited for: Blip flushes its sinks and exits.
            var out = boot.runUntil(config, () -> {
                // The 5 s level's gauges come with the first collection; its counters, as deltas, with the second.
                dd.await("threads_running and queries (a count) from Blip", got -> delivered(got).stream()
                        .anyMatch(s -> TestData.metric(s).equals("status.global.queries")), WAIT);
            }, "--log", "--debug");
            List<JsonObject> series = dd.delivered();
            JsonObject running = series.stream().filter(s -> TestData.metric(s).equals("status.global.threads_running"))
                    .findFirst().orElseThrow();
            assertEquals(3, running.get("type").getAsInt());
            assertTrue(TestData.value(running) >= 1);
            JsonObject queries = series.stream().filter(s -> TestData.metric(s).equals("status.global.queries"))
                    .findFirst().orElseThrow();
            assertEquals(1, queries.get("type").getAsInt(), "a count of the queries since the last collection");
            assertTrue(TestData.value(queries) >= 0 && TestData.value(queries) < 10_000, queries.toString());
            assertTrue(dd.received().stream().allMatch(FakeDatadog.Received::ok), dd.received().toString());
            assertTrue(dd.received().stream().allMatch(r -> r.encoding().equals("gzip")));
            String output = out.text();
            assertNoKeys(output);
            assertTrue(output.contains("datadog"), output);
        }
    }

    /**
     * A metric translator dropped into plugins/ as its own directory, named by {@code metric-translator}:
     * the series of its domain carry its names after the prefix; the others, Blip's.
     */
    @Test
    void aTranslatorPluginNamesTheSeriesItTranslates() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("blip", "blip", "SELECT, REPLICATION CLIENT ON *.*");
        PluginBoot boot = boot();
        PluginDirs.translatorPlugin(boot.plugins(), "my-names", "io.blip.test.names", "short",
                Map.of("status.global", "mysql.status"));
        try (FakeDatadog dd = FakeDatadog.start(API_KEY, APP_KEY)) {
            Path config = Files.writeString(dir.resolve("blip.yaml"), """
                    monitors:
                      - hostname: %s
                        username: blip
                        password: blip
                    plans:
                      files: [%s]
                    sinks:
                      datadog:
                        api-key-auth: %s
                        app-key-auth: %s
                        api-url: %s
                        metric-prefix: "dd."
                        metric-translator: short
                    """.formatted(db.hostPort(), Files.writeString(dir.resolve("plan.yaml"), """
                    level:
                      freq: 1s
                      collect:
                        status.global:
                          metrics: [threads_running]
                        var.global:
                          metrics: [max_connections]
                    """), API_KEY, APP_KEY, dd.url()));

            PluginBoot.Ended plugins = boot.run(config, "--print-plugins");
            assertEquals(0, plugins.exitValue(), plugins.output());
            assertTrue(plugins.output().lines().anyMatch(l -> l.contains("metric-translator") && l.contains("short")
                    && l.contains("renames domains for a test")), plugins.output());

            boot.runUntil(config, () -> dd.await("both metrics", got -> delivered(got).stream()
                    .map(TestData::metric).toList().containsAll(List.of("dd.mysql.status.threads_running",
                            "dd.var.global.max_connections")), WAIT));
            assertTrue(delivered(dd.received()).stream().map(TestData::metric)
                    .noneMatch(m -> m.startsWith("dd.status.global.")), "translated, never sent by Blip's name");
        }
    }

    @Test
    void dogstatsdWithTheApisKeysIsABootErrorNamingBothKeysAndNoKey() throws Exception {
        Path config = Files.writeString(dir.resolve("blip.yaml"), """
                monitors:
                  - hostname: 127.0.0.1:1
                    username: blip
                    password: blip
                sinks:
                  datadog:
                    dogstatsd-host: localhost
                    api-key-auth: %s
                """.formatted(API_KEY));
        PluginBoot.Ended end = boot().run(config);
        String text = end.output();
        assertEquals(1, end.exitValue(), text);
        assertTrue(text.contains(config + ": monitors[0].sinks: sinks.datadog.dogstatsd-host and"
                + " sinks.datadog.api-key-auth: DogStatsD and the Datadog API cannot be used together"), text);
        assertNoKeys(text);
    }

    private static List<JsonObject> delivered(List<FakeDatadog.Received> received) {
        return received.stream().filter(FakeDatadog.Received::ok).flatMap(r -> r.series().stream()).toList();
    }

    private static void assertNoKeys(String text) {
        assertFalse(text.contains(API_KEY), "the API key shows in:\n" + text);
        assertFalse(text.contains(APP_KEY), "the application key shows in:\n" + text);
    }

    /** Blip, to boot with plugins/datadog/ made of this module's classes. */
    private PluginBoot boot() throws IOException {
        return PluginBoot.of(dir, "blip-sink-datadog", "datadog", k -> k.equals("DD_SITE"));
    }
}
