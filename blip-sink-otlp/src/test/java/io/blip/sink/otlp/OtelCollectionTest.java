package io.blip.sink.otlp;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import io.blip.domains.statusglobal.StatusGlobalFactory;
import io.blip.domains.varglobal.VarGlobalFactory;
import io.blip.domains.waitiotable.WaitIoTableFactory;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.MariaDbServer;
import io.blip.testkit.otlp.OtlpReceiver;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.blip.sink.otlp.Lanes.WAIT;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real collection under {@code naming: otel}: Blip's own status.global, var.global and wait.io.table
 * collect from the embedded MariaDB, and the real exporter sends them to a real OTLP receiver on loopback,
 * where they arrive by the mysqlreceiver's names and attributes.
 */
class OtelCollectionTest {
    private static final String LEVEL = "fast";
    private static final Map<String, Domain> PLAN = Map.of(
            "status.global", new Domain("status.global", List.of(), Map.of("all", "yes"), Map.of()),
            "var.global", new Domain("var.global", List.of("innodb_buffer_pool_size", "max_allowed_packet"), Map.of(),
                    Map.of()),
            "wait.io.table", new Domain("wait.io.table", List.of(), Map.of("all", "yes", "include", "otel_app.t",
                    "truncate-table", "no"), Map.of()));

    @Test
    void aRealCollectionArrivesByTheReceiversNamesAndAttributes() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.execute("DROP DATABASE IF EXISTS otel_app", "CREATE DATABASE otel_app",
                "CREATE TABLE otel_app.t (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO otel_app.t VALUES (1), (2)", "SELECT * FROM otel_app.t");
        Map<String, CollectorFactory> factories = factories();
        Map<String, CollectorHelp> help = PLAN.keySet().stream()
                .collect(Collectors.toMap(Function.identity(), d -> factories.get(d).help()));
        Metrics collection = collect(db, factories);

        try (OtlpReceiver r = OtlpReceiver.http(); Lanes lanes = new Lanes(help)) {
            var options = TestData.DECLARED.read(OptionSet.Input.of(TestData.PATH, pairs("protocol", r.protocol(),
                    "endpoint", r.endpoint(), "batch-delay", "10ms", "naming", "otel", "health", "false")));
            var lane = lanes.lane(TestData.monitor("db1", db.host(), db.port(), Map.of()), options);
            lane.offer(collection);
            ResourceMetrics rm = r.await(1, WAIT).getFirst().request().getResourceMetrics(0);
            lane.close(WAIT);

            Map<String, String> resource = attributes(rm.getResource().getAttributesList());
            assertEquals("blip", resource.get("service.name"));
            assertEquals("mysql", resource.get("db.system.name"));
            assertEquals("db1", resource.get("blip.monitor.id"));
            Map<String, Metric> metrics = rm.getScopeMetricsList().stream().flatMap(s -> s.getMetricsList().stream())
                    .collect(Collectors.toMap(Metric::getName, Function.identity()));

            Metric commands = metrics.get("mysql.commands");
            assertTrue(commands.getSum().getIsMonotonic());
            assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                    commands.getSum().getAggregationTemporality());
            NumberDataPoint select = point(commands, Map.of("command", "select"));
            assertTrue(select.hasAsInt() && select.getAsInt() >= 1, select.toString());
            assertEquals("s", metrics.get("mysql.uptime").getUnit());
            assertTrue(point(metrics.get("mysql.threads"), Map.of("kind", "running")).getAsInt() >= 1);
            assertFalse(metrics.get("mysql.threads").getSum().getIsMonotonic());
            assertEquals("By", metrics.get("mysql.client.network.io").getUnit());
            point(metrics.get("mysql.client.network.io"), Map.of("kind", "sent"));
            point(metrics.get("mysql.handlers"), Map.of("kind", "read_rnd_next"));
            point(metrics.get("mysql.buffer_pool.pages"), Map.of("kind", "free"));
            point(metrics.get("mysql.buffer_pool.data_pages"), Map.of("status", "clean"));
            // MariaDB 10.11 shows no Innodb_rows_*: no mysql.row_operations here.
            point(metrics.get("mysql.locks"), Map.of("kind", "immediate"));
            point(metrics.get("mysql.connection.errors"), Map.of("error", "aborted"));
            point(metrics.get("mysql.opened_resources"), Map.of("kind", "table_definition"));
            point(metrics.get("mysql.tmp_resources"), Map.of("resource", "disk_tables"));
            Metric limit = metrics.get("mysql.buffer_pool.limit");
            assertEquals("By", limit.getUnit());
            assertTrue(limit.getSum().getDataPoints(0).getAsInt() > 0, limit.toString());
            NumberDataPoint inserts = point(metrics.get("mysql.table.io.wait.count"),
                    Map.of("operation", "insert", "schema", "otel_app", "table", "t"));
            assertTrue(inserts.getAsInt() >= 2, inserts.toString());
            assertEquals("ns", metrics.get("mysql.table.io.wait.time").getUnit());

            // What the receiver does not read keeps Blip's name, with a unit where one is known.
            assertTrue(metrics.containsKey("mysql.wait.io.table.count_star"), metrics.keySet().toString());
            assertEquals("By", metrics.get("mysql.var.global.max_allowed_packet").getUnit());
            assertTrue(metrics.keySet().stream().noneMatch(n -> n.equals("mysql.status.global.com_select")
                    || n.equals("mysql.status.global.bytes_sent") || n.equals("mysql.status.global.uptime")));
        }
    }

    /** The built-in domains (blip-domains is on the tests' class path, so its factories are at hand). */
    private static Map<String, CollectorFactory> factories() {
        return Map.of("status.global", new StatusGlobalFactory(), "var.global", new VarGlobalFactory(),
                "wait.io.table", new WaitIoTableFactory());
    }

    private static Metrics collect(MariaDbServer db, Map<String, CollectorFactory> factories) throws Exception {
        var context = CollectorContext.of(MonitorConfig.of("db1"),
                db.dataSource(MariaDbServer.ADMIN_USER, MariaDbServer.ADMIN_PASSWORD), Time.system());
        var plan = new Plan("otel", "otel", Map.of(LEVEL, new Level(LEVEL, Duration.ofSeconds(5), PLAN)));
        var values = new LinkedHashMap<String, List<MetricValue>>();
        Instant begin = Instant.now();
        for (String domain : PLAN.keySet()) {
            try (Collector c = factories.get(domain).make(context)) {
                c.prepare(plan);
                values.put(domain, c.collect(LEVEL));
            }
        }
        return new Metrics("db1", "otel", LEVEL, 5, begin, Instant.now(), values);
    }

    private static NumberDataPoint point(Metric metric, Map<String, String> attributes) {
        return metric.getSum().getDataPointsList().stream()
                .filter(p -> attributes(p.getAttributesList()).equals(attributes)).findFirst()
                .orElseThrow(() -> new AssertionError(metric.getName() + attributes + " not in " + metric));
    }

    private static Map<String, String> attributes(List<KeyValue> list) {
        var out = new TreeMap<String, String>();
        list.forEach(kv -> out.put(kv.getKey(), kv.getValue().hasIntValue() ? String.valueOf(kv.getValue()
                .getIntValue()) : kv.getValue().getStringValue()));
        return out;
    }
}
