package io.blip.sink.signalfx;

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

import static io.blip.sink.signalfx.SignalFxSinkContractTest.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signalfx sink booted as bin/blip boots it: the runtime in its own JVM on the module path of lib/
 * (blip-api, the runtime, the built-in domains and sinks, and their libraries), this sink as a plugin
 * layer of its own from {@code plugins/signalfx/} (its jar, built from this module's classes),
 * monitoring an embedded MariaDB and sending to the fake SignalFx ingest API; and Blip's own example
 * of the sink's keys (docs/content/sinks/signalfx.md), which fails for want of a token as in Blip.
 */
class SignalFxBootTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** What lib/ holds (distribution/src/assembly/layout.xml), by artifact. */
    private static final Set<String> LIB = Set.of("blip-api", "blip-runtime", "blip-domains", "blip-sinks", "config",
            "mysql-connector-j", "slf4j-api", "slf4j-jdk14", "snakeyaml-engine");
    private static final Pattern VERSIONED_JAR = Pattern.compile("(.+?)-[0-9][^/]*\\.jar");
    /** Blip's example of the sink's keys, as the runtime's docs test reads it. */
    private static final Path DOCS_EXAMPLE = Path.of("..", "blip-runtime", "src", "test", "resources", "blip-docs",
            "docs", "content", "sinks", "signalfx-1.yaml");

    @TempDir
    Path dir;

    @Test
    void aMonitorsMetricsReachSignalFxWithTheTokenFromItsFile() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("blip", "blip", "SELECT, REPLICATION CLIENT ON *.*");
        Path plugins = pluginsDir();
        Path token = Files.writeString(dir.resolve("sfx-token"), TOKEN + "\n");
        try (FakeSignalFx sfx = FakeSignalFx.start(TOKEN)) {
            Path config = Files.writeString(dir.resolve("blip.yaml"), """
                    monitors:
                      - hostname: %s
                        username: blip
                        password: blip
                        tags:
                          env: test
                    sinks:
                      signalfx:
                        auth-token-file: %s
                        metric-prefix: "mysql."
                        ingest-url: %s
                    """.formatted(db.hostPort(), token, sfx.url()));

            String printed = blip(plugins, config, "--print-config", "--run=false").text();
            assertNoToken(printed);
            assertTrue(printed.contains("signalfx"), printed);

            Process blip = start(plugins, config, "--log", "--debug");
            var out = OutputWatcher.of("bin/blip", blip.getInputStream());
            try {
                sfx.await("threads_running and queries from Blip", got -> got.stream().filter(FakeSignalFx.Received::ok)
                        .flatMap(r -> r.points().stream())
                        .anyMatch(p -> p.metric().equals("mysql.status.global.queries")), WAIT);
            } finally {
                blip.destroy(); // SIGTERM: Blip flushes its sinks and exits
                assertTrue(blip.waitFor(20, TimeUnit.SECONDS), "Blip did not stop on SIGTERM");
            }
            List<FakeSignalFx.Point> points = sfx.delivered();
            FakeSignalFx.Point running = points.stream()
                    .filter(p -> p.metric().equals("mysql.status.global.threads_running")).findFirst().orElseThrow();
            assertEquals("gauge", running.type());
            assertTrue(running.value() >= 1);
            assertEquals("test", running.dimensions().get("env"));
            FakeSignalFx.Point queries = points.stream()
                    .filter(p -> p.metric().equals("mysql.status.global.queries")).findFirst().orElseThrow();
            assertEquals("cumulative_counter", queries.type());
            assertTrue(sfx.received().stream().allMatch(FakeSignalFx.Received::ok), sfx.received().toString());
            String output = out.text();
            assertNoToken(output);
        }
    }

    @Test
    void blipsExampleOfTheKeysIsABootErrorForWantOfAToken() throws Exception {
        Path config = Files.writeString(dir.resolve("blip.yaml"), "monitors:\n  - hostname: 127.0.0.1:1\n"
                + "    username: blip\n    password: blip\n" + Files.readString(DOCS_EXAMPLE));
        Process blip = start(pluginsDir(), config);
        var out = OutputWatcher.of("bin/blip", blip.getInputStream());
        assertTrue(blip.waitFor(60, TimeUnit.SECONDS), "Blip did not exit");
        String text = out.await("the end of its output", o -> out.ended(), Duration.ofSeconds(10));
        assertEquals(1, blip.exitValue(), text);
        assertTrue(text.contains("sinks.signalfx.auth-token: not set; set auth-token or auth-token-file"), text);
    }

    @Test
    void aTokenInTheConfigNeverShows() throws Exception {
        Path config = Files.writeString(dir.resolve("blip.yaml"), """
                monitors:
                  - hostname: 127.0.0.1:1
                    username: blip
                    password: blip
                sinks:
                  signalfx:
                    auth-token: %s
                    metric-translator: sfx
                """.formatted(TOKEN));
        Process blip = start(pluginsDir(), config);
        var out = OutputWatcher.of("bin/blip", blip.getInputStream());
        assertTrue(blip.waitFor(60, TimeUnit.SECONDS), "Blip did not exit");
        String text = out.await("the end of its output", o -> out.ended(), Duration.ofSeconds(10));
        assertEquals(1, blip.exitValue(), text);
        assertTrue(text.contains("sinks.signalfx.metric-translator: 'sfx': not supported"), text);
        assertNoToken(text);
    }

    private static void assertNoToken(String text) {
        assertFalse(text.contains(TOKEN), "the token shows in:\n" + text);
    }

    /** {@code java -p <lib> -m io.blip.runtime/io.blip.runtime.Main --plugins <plugins> --config <config> ...}. */
    private static Process start(Path plugins, Path config, String... more) throws IOException {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", String.join(File.pathSeparator, lib()), "-m", "io.blip.runtime/io.blip.runtime.Main",
                "--plugins", plugins.toString(), "--config", config.toString()));
        command.addAll(List.of(more));
        var pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("BLIP_") || k.startsWith("SFX_"));
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

    /** plugins/signalfx/blip-sink-signalfx-&lt;version&gt;.jar, made of this module's classes. */
    private Path pluginsDir() throws IOException {
        Path classes = Stream.of("jdk.module.path", "java.class.path")
                .flatMap(p -> Stream.of(System.getProperty(p, "").split(File.pathSeparator)))
                .filter(e -> !e.isBlank()).map(Path::of)
                .filter(e -> e.endsWith(Path.of("blip-sink-signalfx", "target", "classes"))).findFirst()
                .orElseThrow(() -> new AssertionError("blip-sink-signalfx/target/classes is not on the test's path"));
        Path plugin = Files.createDirectories(dir.resolve("plugins").resolve("signalfx"));
        try (OutputStream file = Files.newOutputStream(plugin.resolve("blip-sink-signalfx-0.1.0-SNAPSHOT.jar"));
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
