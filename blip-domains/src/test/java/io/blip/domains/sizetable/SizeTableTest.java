package io.blip.domains.sizetable;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.config.Option;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeTableTest {
    private final SizeTableFactory factory = new SizeTableFactory();

    @BeforeAll
    static void createTables() {
        db().execute("DROP DATABASE IF EXISTS sizetbl_a", "DROP DATABASE IF EXISTS sizetbl_b",
                "CREATE DATABASE sizetbl_a", "CREATE DATABASE sizetbl_b",
                "CREATE TABLE sizetbl_a.big (id INT PRIMARY KEY, pad VARCHAR(200)) ENGINE=InnoDB",
                "CREATE TABLE sizetbl_a.small (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE sizetbl_b.small (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO sizetbl_a.big SELECT seq, REPEAT('x', 200) FROM sizetbl_a.seq_1_to_2000",
                "ANALYZE TABLE sizetbl_a.big");
    }

    @Test
    void defaultsReportEachUserTableAndTheTotal() throws Exception {
        Map<String, Double> bytes = bytesByTable(collect(Map.of()));
        assertEquals(tableBytes("sizetbl_a", "big"), bytes.get("sizetbl_a.big"));
        assertTrue(bytes.get("sizetbl_a.big") > 2000 * 200, "2000 rows of 200 bytes");
        assertTrue(bytes.containsKey("sizetbl_a.small"));
        assertTrue(bytes.containsKey("sizetbl_b.small"));
        assertFalse(bytes.keySet().stream().anyMatch(t -> t.startsWith("mysql.") || t.startsWith("sys.")
                || t.startsWith("information_schema.") || t.startsWith("performance_schema.")), "system tables");
        double sum = bytes.entrySet().stream().filter(e -> !e.getKey().equals(".")).mapToDouble(Map.Entry::getValue)
                .sum();
        assertEquals(sum, bytes.get("."), "the total has db=\"\" and tbl=\"\"");
    }

    @Test
    void includeTakesTablesDatabasesAndBareTableNames() throws Exception {
        assertEquals(Set.of("sizetbl_a.big", "."), bytesByTable(collect(Map.of("include", "sizetbl_a.big"))).keySet());
        assertEquals(Set.of("sizetbl_a.big", "sizetbl_a.small"),
                bytesByTable(collect(Map.of("include", "sizetbl_a.*", "total", "no"))).keySet());
        assertEquals(Set.of("sizetbl_a.small", "sizetbl_b.small"),
                bytesByTable(collect(Map.of("include", "small", "total", "no"))).keySet());
    }

    @Test
    void excludeLeavesMatchingTablesOut() throws Exception {
        var bytes = bytesByTable(collect(Map.of("exclude", "sizetbl_b.*,big,mysql.*,sys.*,information_schema.*,"
                + "performance_schema.*", "total", "no")));
        assertTrue(bytes.containsKey("sizetbl_a.small"));
        assertFalse(bytes.containsKey("sizetbl_a.big"));
        assertFalse(bytes.containsKey("sizetbl_b.small"));
    }

    @Test
    void namesAreBoundNotWrittenIntoSql() throws Exception {
        assertEquals(Map.of(".", 0.0), bytesByTable(collect(Map.of("include", "x' OR '1'='1.*"))));
    }

    @Test
    void helpFollowsTheDocs() {
        var options = factory.help().options();
        Option total = options.get("total").orElseThrow();
        assertEquals("yes", total.defaultValue());
        assertEquals(Set.of("yes", "no"), total.values().keySet());
        assertEquals("mysql.*,information_schema.*,performance_schema.*,sys.*", options.get("exclude").orElseThrow().defaultValue());
        assertEquals(List.of("db", "tbl"), factory.help().groups());
        assertEquals("By", factory.help().metric("bytes").orElseThrow().unit());
    }

    private List<MetricValue> collect(Map<String, String> options) throws Exception {
        return collectOnce(factory, admin(), plan(domain("size.table", List.of("bytes"), options)));
    }

    /** Values keyed db.tbl; the total is ".". */
    private static Map<String, Double> bytesByTable(List<MetricValue> values) {
        var out = new HashMap<String, Double>();
        for (MetricValue v : values) {
            assertEquals("bytes", v.name());
            assertEquals(MetricType.GAUGE, v.type());
            assertEquals(Set.of("db", "tbl"), v.group().keySet());
            out.put(v.group().get("db") + "." + v.group().get("tbl"), v.value());
        }
        assertEquals(values.size(), out.size(), "a table reported twice: " + values);
        return out;
    }

    private static double tableBytes(String schema, String table) throws Exception {
        try (Connection c = db().admin(); PreparedStatement s = c.prepareStatement("SELECT data_length + index_length"
                + " FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }
}
