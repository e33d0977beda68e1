package io.blip.domains.innodbbufferpool;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.byName;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.context;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InnodbBufferPoolTest {
    private final InnodbBufferPoolFactory factory = new InnodbBufferPoolFactory();

    @BeforeAll
    static void workload() {
        db().execute("DROP DATABASE IF EXISTS bufpool", "CREATE DATABASE bufpool",
                "CREATE TABLE bufpool.t (id INT PRIMARY KEY, pad VARCHAR(200)) ENGINE=InnoDB",
                "INSERT INTO bufpool.t SELECT seq, REPEAT('x', 200) FROM bufpool.seq_1_to_5000",
                "SELECT COUNT(*) FROM bufpool.t WHERE pad <> ''");
    }

    @Test
    void listedColumnsAreSummedWithTheirTypes() throws Exception {
        var values = byName(collect(List.of("pool_size", "free_buffers", "database_pages", "number_pages_get",
                "number_pages_created"), Map.of()));
        assertEquals(List.of("pool_size", "free_buffers", "database_pages", "number_pages_get",
                "number_pages_created"), List.copyOf(values.keySet()));
        assertEquals(MetricValue.gauge("pool_size", status("Innodb_buffer_pool_pages_total")), values.get("pool_size"));
        assertTrue(values.get("pool_size").value() <= 2048, "--innodb-buffer-pool-size=32M of 16 KiB pages");
        assertEquals(MetricType.GAUGE, values.get("free_buffers").type());
        assertTrue(values.get("database_pages").value() > 0, values.toString());
        assertEquals(MetricType.CUMULATIVE_COUNTER, values.get("number_pages_get").type());
        assertTrue(values.get("number_pages_get").value() > 5000, "5000 rows read: " + values);
        assertTrue(values.get("number_pages_created").value() > 0, values.toString());
    }

    @Test
    void allReadsEveryColumnTheServerHas() throws Exception {
        var values = byName(collect(List.of(), Map.of("all", "yes")));
        assertEquals(InnodbBufferPoolFactory.COLUMNS.length, values.size());
        for (var c : InnodbBufferPoolFactory.COLUMNS) {
            assertEquals(c.type(), values.get(c.name()).type(), c.name());
        }
        assertTrue(values.get("hit_rate").value() >= 0 && values.get("hit_rate").value() <= 1000, values.toString());
        assertTrue(values.get("young_make_per_thousand_gets").value() >= 0, "Blip's _get names no column");
    }

    @Test
    void noMetricsAndNotAllIsAPlanError() {
        var e = assertThrows(BlipException.class, () -> collect(List.of(), Map.of()));
        assertEquals("innodb.buffer-pool: level 'fast': no metrics listed; list columns of"
                + " information_schema.innodb_buffer_pool_stats (e.g. free_buffers, modified_database_pages) in"
                + " metrics or set option all=yes", e.getMessage());
    }

    @Test
    void anUnknownColumnOrOptionValueIsAPlanError() {
        var metric = assertThrows(BlipException.class, () -> collect(List.of("young_make_per_thousand_get"), Map.of()));
        assertTrue(metric.getMessage().startsWith("innodb.buffer-pool: level 'fast': unknown metric"
                + " 'young_make_per_thousand_get'; metrics: [pool_size, "), metric.getMessage());
        var all = assertThrows(BlipException.class, () -> collect(List.of(), Map.of("all", "all")));
        assertEquals("innodb.buffer-pool: level 'fast': option all='all' is not one of [yes, no]", all.getMessage());
    }

    @Test
    void withoutProcessPrivilegeTheErrorIsTheDeclaredAccessDenied() throws Exception {
        db().createUser("bufpool_noprocess", "np-test-only", "SELECT ON bufpool.*");
        try {
            var ctx = context(db().dataSource("bufpool_noprocess", "np-test-only"));
            var e = assertThrows(SQLException.class,
                    () -> collectOnce(factory, ctx, plan(domain("innodb.buffer-pool", List.of("pool_size"), Map.of()))));
            assertEquals(1227, e.getErrorCode());
            assertEquals(Set.of(1227), factory.help().errors().get("access-denied").mysqlErrorCodes());
        } finally {
            db().dropUser("bufpool_noprocess");
        }
    }

    @Test
    void helpDeclaresTheOptionAndEveryColumn() {
        var all = factory.help().options().get("all").orElseThrow();
        assertEquals("no", all.defaultValue());
        assertEquals(Set.of("yes", "no"), all.values().keySet());
        assertEquals(31, factory.help().metrics().size());
        assertTrue(factory.help().strictMetrics());
    }

    private static double status(String name) throws SQLException {
        try (Connection c = db().admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE '" + name + "'")) {
            rs.next();
            return rs.getDouble(2);
        }
    }

    private List<MetricValue> collect(List<String> metrics, Map<String, String> options) throws Exception {
        return collectOnce(factory, admin(), plan(domain("innodb.buffer-pool", metrics, options)));
    }
}
