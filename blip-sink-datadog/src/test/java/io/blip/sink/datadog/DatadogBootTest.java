package io.blip.sink.datadog;

import com.google.gson.JsonObject;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
    /** What lib/ holds (distribution/src/assembly/layout.xml), by artifact. */
    private static final Set<String> LIB = Set.of("blip-api", "blip-runtime", "blip-domains", "blip-sinks", "config",
            "mysql-connector-j", "slf4j-api", "slf4j-jdk14", "snakeyaml-engine");
    private static final Pattern VERSIONED_JAR = Pattern.compile("(.+?)-[0-9][^/]*\\.jar");

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
        Path plugins = pluginsDir();
        try (FakeDatadog dd = FakeDatadog.start(API_KEY, APP_KEY)) {
            Path config = Files.writeString(dir.resolve("blip.yaml"), QUICK_START
                    .replace("db.local", db.hostPort())
                    .replaceFirst("\"\\.\\.\\.\"", API_KEY).replaceFirst("\"\\.\\.\\.\"", APP_KEY)
                    + "    api-url: " + dd.url() + "\n");

            String printed = blip(plugins, config, "--print-config", "--run=false").text();
            assertNoKeys(printed);
            assertTrue(printed.contains("datadog"), printed);

            Process blip = start(plugins, config, "--log", "--debug");
            var out = OutputWatcher.of("bin/blip", blip.getInputStream());
            try {
                // The 5 s level's gauges come with the first collection; its counters, as deltas, with the second.
                dd.await("threads_running and queries (a count) from Blip", got -> delivered(got).stream()
                        .anyMatch(s -> TestData.metric(s).equals("status.global.queries")), WAIT);
            } finally {
                blip.destroy(); // SIGTERM: Blip flushes its sinks and exits
                assertTrue(blip.waitFor(20, TimeUnit.SECONDS), "Blip did not stop on SIGTERM");
            }
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
        Process blip = start(pluginsDir(), config);
        var out = OutputWatcher.of("bin/blip", blip.getInputStream());
        assertTrue(blip.waitFor(60, TimeUnit.SECONDS), "Blip did not exit");
        String text = out.await("the end of its output", o -> out.ended(), Duration.ofSeconds(10));
        assertEquals(1, blip.exitValue(), text);
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

    /** {@code java -p <lib> -m io.blip.runtime/io.blip.runtime.Main --plugins <plugins> --config <config> ...}. */
    private static Process start(Path plugins, Path config, String... more) throws IOException {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", String.join(File.pathSeparator, lib()), "-m", "io.blip.runtime/io.blip.runtime.Main",
                "--plugins", plugins.toString(), "--config", config.toString()));
        command.addAll(List.of(more));
        var pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("BLIP_") || k.equals("DD_SITE"));
        return pb.start();
    }

    /** Runs Blip to its end; the watcher has all it printed. */
    private static OutputWatcher blip(Path plugins, Path config, String... more) throws Exception {
        Process p = start(plugins, config, more);
        var out = OutputWatcher.of("bin/blip " + String.join(" ", more), p.getInputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "Blip did not exit");
        out.await("the end of its output", o -> out.ended(), Duration.ofSeconds(10));
        assertEquals(0, p.exitValue(), out.text());
        return out;
    }

    /** lib/: this JVM's copies of what the distribution puts there. */
    private static List<String> lib() {
        var out = new LinkedHashSet<String>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
                if (!entry.isBlank() && LIB.contains(artifact(Path.of(entry)))) {
                    out.add(entry);
                }
            }
        }
        assertEquals(LIB.size(), out.size(), "lib/ from " + out);
        return List.copyOf(out);
    }

    /** {@code blip-runtime} of {@code .../blip-runtime/target/classes} or {@code blip-runtime-0.1.jar}. */
    private static String artifact(Path entry) {
        if (entry.endsWith(Path.of("target", "classes"))) {
            return entry.getParent().getParent().getFileName().toString();
        }
        Matcher m = VERSIONED_JAR.matcher(entry.getFileName().toString());
        return m.matches() ? m.group(1) : entry.getFileName().toString();
    }

    /** plugins/datadog/blip-sink-datadog-&lt;version&gt;.jar, made of this module's classes. */
    private Path pluginsDir() throws IOException {
        Path classes = Stream.of("jdk.module.path", "java.class.path")
                .flatMap(p -> Stream.of(System.getProperty(p, "").split(File.pathSeparator)))
                .filter(e -> !e.isBlank()).map(Path::of)
                .filter(e -> e.endsWith(Path.of("blip-sink-datadog", "target", "classes"))).findFirst()
                .orElseThrow(() -> new AssertionError("blip-sink-datadog/target/classes is not on the test's path"));
        Path plugin = Files.createDirectories(dir.resolve("plugins").resolve("datadog"));
        try (OutputStream file = Files.newOutputStream(plugin.resolve("blip-sink-datadog-0.1.0-SNAPSHOT.jar"));
             var jar = new JarOutputStream(file); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                try {
                    Files.copy(f, jar);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                jar.closeEntry();
            }
        }
        return dir.resolve("plugins");
    }
}
