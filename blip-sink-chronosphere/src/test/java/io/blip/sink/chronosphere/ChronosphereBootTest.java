package io.blip.sink.chronosphere;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.PluginBoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blip's chronosphere example (docs/content/sinks/chronosphere.md) booted as bin/blip boots it: the
 * runtime in its own JVM on the module path of lib/ (blip-api, the runtime, the built-in domains and
 * sinks, and their libraries), this sink as a plugin layer of its own from {@code plugins/chronosphere/}
 * (its jar, built from this module's classes), monitoring an embedded MariaDB and pushing to the fake
 * collector. The example's {@code url} is the fake's, and a monitor is added (the example has only the
 * sink).
 */
class ChronosphereBootTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Blip's example, as the runtime's docs test reads it. */
    private static final Path DOCS_EXAMPLE = Path.of("..", "blip-runtime", "src", "test", "resources", "blip-docs",
            "docs", "content", "sinks", "chronosphere-1.yaml");

    @TempDir
    Path dir;

    @Test
    void blipsExamplePushesAMonitorsMetricsInBlipsNames() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("blip", "blip", "SELECT, REPLICATION CLIENT ON *.*");
        PluginBoot boot = boot();
        try (FakeChronosphere collector = FakeChronosphere.start()) {
            String example = Files.readString(DOCS_EXAMPLE);
            assertTrue(example.contains("http://127.0.0.1:3030/openmetrics/write"), example);
            Path config = Files.writeString(dir.resolve("blip.yaml"), """
                    monitors:
                      - id: db1
                        hostname: %s
                        username: blip
                        password: blip
                        tags:
                          env: test
                    """.formatted(db.hostPort()) + example.replace("http://127.0.0.1:3030/openmetrics/write",
                    collector.url()));
            PluginBoot.Ended print = boot.run(config, "--print-config", "--run=false");
            assertEquals(0, print.exitValue(), print.output());
            assertTrue(print.output().contains("chronosphere"), print.output());

            // SIGTERM once waited for: Blip flushes its sinks and exits.
            var out = boot.runUntil(config, () -> {
                collector.await("a MetricSet with status.global", got -> got.stream()
                        .anyMatch(FakeChronosphere.Received::ok), WAIT);
            }, "--log", "--debug");
            List<FakeChronosphere.Point> points = collector.delivered();
            FakeChronosphere.Point running = points.stream()
                    .filter(p -> p.name().equals("mysql_status_threads_running")).findFirst().orElseThrow();
            assertEquals("gauge", running.type());
            assertTrue(running.value() >= 1);
            assertEquals(java.util.Map.of("env", "test"), running.labels());
            assertEquals("counter", points.stream().filter(p -> p.name().equals("mysql_status_queries"))
                    .findFirst().orElseThrow().type());
            assertTrue(collector.received().stream().allMatch(FakeChronosphere.Received::ok),
                    collector.received().toString());
            assertTrue(out.text().contains("chronosphere"), out.text());
        }
    }

    /** {@code metric-names: exporter}: the runtime's mysqld_exporter names, each sample with its labels. */
    @Test
    void exporterNamesSendTheExportersFamilies() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("blip", "blip", "SELECT, REPLICATION CLIENT ON *.*");
        PluginBoot boot = boot();
        try (FakeChronosphere collector = FakeChronosphere.start()) {
            Path config = Files.writeString(dir.resolve("blip.yaml"), """
                    monitors:
                      - id: db1
                        hostname: %s
                        username: blip
                        password: blip
                        tags:
                          env: test
                    plans:
                      files: [%s]
                    sinks:
                      chronosphere:
                        url: %s
                        metric-names: exporter
                    """.formatted(db.hostPort(), Files.writeString(dir.resolve("plan.yaml"), """
                    level:
                      freq: 1s
                      collect:
                        status.global:
                          metrics: [threads_running, com_select, com_insert]
                        var.global:
                          metrics: [max_connections]
                    """), collector.url()));
            boot.runUntil(config, () -> collector.await("a MetricSet", got -> got.stream()
                    .anyMatch(FakeChronosphere.Received::ok), WAIT));
            List<FakeChronosphere.Point> points = collector.delivered();
            FakeChronosphere.Point select = points.stream()
                    .filter(p -> p.name().equals("mysql_global_status_commands_total")
                            && "select".equals(p.labels().get("command"))).findFirst().orElseThrow();
            assertEquals("counter", select.type());
            assertEquals(java.util.Map.of("command", "select", "env", "test"), select.labels());
            assertTrue(points.stream().anyMatch(p -> p.name().equals("mysql_global_status_threads_running")
                    && p.value() >= 1), points.toString());
            assertTrue(points.stream().anyMatch(p -> p.name().equals("mysql_global_variables_max_connections")),
                    points.toString());
        }
    }

    /** Blip, to boot with plugins/chronosphere/ made of this module's classes. */
    private PluginBoot boot() throws IOException {
        return PluginBoot.of(dir, "blip-sink-chronosphere", "chronosphere", k -> false);
    }
}
