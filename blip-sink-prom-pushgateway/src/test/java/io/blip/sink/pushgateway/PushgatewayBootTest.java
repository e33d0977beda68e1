package io.blip.sink.pushgateway;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.PluginBoot;
import io.blip.testkit.PromText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blip's prom-pushgateway example (docs/content/sinks/prom-pushgateway.md) booted as bin/blip boots
 * it: the runtime in its own JVM on the module path of lib/ (blip-api, the runtime, the built-in
 * domains and sinks, and their libraries), this sink as a plugin layer of its own from
 * {@code plugins/prom-pushgateway/} (its jar, built from this module's classes), monitoring an
 * embedded MariaDB and pushing to the fake Pushgateway. The example's {@code addr} is the fake's, and
 * a monitor is added (the example has only the sink).
 */
class PushgatewayBootTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Blip's example, as the runtime's docs test reads it. */
    private static final Path DOCS_EXAMPLE = Path.of("..", "blip-runtime", "src", "test", "resources", "blip-docs",
            "docs", "content", "sinks", "prom-pushgateway-1.yaml");

    @TempDir
    Path dir;

    @Test
    void blipsExamplePushesAMonitorsMetricsInBlipsNames() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("blip", "blip", "SELECT, REPLICATION CLIENT ON *.*");
        PluginBoot boot = boot();
        try (FakePushgateway gateway = FakePushgateway.start()) {
            String example = Files.readString(DOCS_EXAMPLE);
            assertTrue(example.contains("http://127.0.0.1:9091"), example);
            Path config = Files.writeString(dir.resolve("blip.yaml"), """
                    monitors:
                      - id: db1
                        hostname: %s
                        username: blip
                        password: blip
                    """.formatted(db.hostPort()) + example.replace("http://127.0.0.1:9091", gateway.url()));

            PluginBoot.Ended print = boot.run(config, "--print-config", "--run=false");

            assertEquals(0, print.exitValue(), print.output());

            assertTrue(print.output().contains("prom-pushgateway"), print.output());

            // SIGTERM once waited for: Blip flushes its sinks and exits.
            var out = boot.runUntil(config, () -> {
                gateway.await("a push of status.global", got -> got.stream().anyMatch(FakePushgateway.Received::ok),
                        WAIT);
            }, "--log", "--debug");
            FakePushgateway.Received push = gateway.received().stream().filter(FakePushgateway.Received::ok)
                    .findFirst().orElseThrow();
            assertEquals("/metrics/job/blip/monitor/db1", push.path());
            Map<String, PromText.Family> families = FakePushgateway.byName(push);
            assertEquals("gauge", families.get("mysql_global_status_threads_running").type(), push.text());
            assertTrue(families.get("mysql_global_status_threads_running").samples().getFirst().value() >= 1);
            assertEquals("counter", families.get("mysql_global_status_commands_total").type(), push.text());
            assertTrue(gateway.received().stream().allMatch(FakePushgateway.Received::ok), gateway.received()
                    .toString());
            assertTrue(out.text().contains("prom-pushgateway"), out.text());
        }
    }

    /**
     * {@code metric-names: exporter}: Blip's default plan pushed in mysqld_exporter's names, as the
     * runtime names them for {@code /metrics}: the InnoDB metrics as the server spells and describes
     * them (read on the monitor's connection).
     */
    @Test
    void exporterNamesPushTheExportersFamilies() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        // PROCESS: information_schema.innodb_metrics shows nothing without it.
        db.createUser("blip-innodb", "blip", "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        PluginBoot boot = boot();
        try (FakePushgateway gateway = FakePushgateway.start()) {
            Path config = Files.writeString(dir.resolve("blip.yaml"), """
                    monitors:
                      - id: db1
                        hostname: %s
                        username: blip-innodb
                        password: blip
                    plans:
                      files: [%s]
                    sinks:
                      prom-pushgateway:
                        addr: %s
                        metric-names: exporter
                    """.formatted(db.hostPort(), Files.writeString(dir.resolve("plan.yaml"), """
                    level:
                      freq: 1s
                      collect:
                        status.global:
                          options: {all: "yes"}
                        var.global:
                          metrics: [max_connections]
                        innodb:
                          metrics: [buffer_lru_batch_flush_total_pages, lock_deadlocks, os_pending_reads]
                    """), gateway.url()));

            boot.runUntil(config, () -> gateway.await("a push", got -> got.stream()
                    .anyMatch(FakePushgateway.Received::ok), WAIT));
            FakePushgateway.Received push = gateway.received().stream().filter(FakePushgateway.Received::ok)
                    .findFirst().orElseThrow();
            assertEquals("/metrics/job/blip/monitor/db1", push.path());
            Map<String, PromText.Family> families = FakePushgateway.byName(push);
            PromText.Family commands = families.get("mysql_global_status_commands_total");
            assertEquals("counter", commands.type(), push.text());
            assertTrue(commands.samples().stream().anyMatch(sample -> sample.labels().equals(Map.of("command",
                    "select"))), push.text());
            assertEquals("Generic gauge metric from SHOW GLOBAL VARIABLES.",
                    families.get("mysql_global_variables_max_connections").help(), push.text());
            // The server's spelling, type and comment, as the exporter writes them.
            for (String name : List.of("mysql_info_schema_innodb_metrics_buffer_buffer_LRU_batch_flush_total_pages_total",
                    "mysql_info_schema_innodb_metrics_lock_lock_deadlocks",
                    "mysql_info_schema_innodb_metrics_os_os_pending_reads_total")) {
                assertTrue(families.containsKey(name), name + " in\n" + push.text());
                assertFalse(families.get(name).help().startsWith("Generic"), push.text());
            }
        }
    }

    /** Blip, to boot with plugins/prom-pushgateway/ made of this module's classes. */
    private PluginBoot boot() throws IOException {
        return PluginBoot.of(dir, "blip-sink-prom-pushgateway", "prom-pushgateway", k -> false);
    }
}
