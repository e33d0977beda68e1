package io.blip.domains.sizedatabase;

import io.blip.api.BlipException;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeDatabaseTest {
    private final SizeDatabaseFactory factory = new SizeDatabaseFactory();

    @BeforeAll
    static void createDatabases() {
        db().execute("DROP DATABASE IF EXISTS sizedb_a", "DROP DATABASE IF EXISTS sizedb_b",
                "CREATE DATABASE sizedb_a", "CREATE DATABASE sizedb_b",
                "CREATE TABLE sizedb_a.t (id INT PRIMARY KEY, pad VARCHAR(200), KEY (pad)) ENGINE=InnoDB",
                "CREATE TABLE sizedb_b.t (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO sizedb_a.t SELECT seq, REPEAT('x', 200) FROM sizedb_a.seq_1_to_2000",
                "ANALYZE TABLE sizedb_a.t");
    }

    @Test
    void defaultsReportEachUserDatabaseAndTheirTotal() throws Exception {
        Map<String, Double> bytes = bytesByDb(collect(Map.of()));
        assertEquals(schemaBytes("sizedb_a"), bytes.get("sizedb_a"));
        assertTrue(bytes.get("sizedb_a") > 2000 * 200, "2000 rows of 200 bytes: " + bytes.get("sizedb_a"));
        assertTrue(bytes.containsKey("sizedb_b"));
        for (String system : List.of("mysql", "information_schema", "performance_schema", "sys")) {
            assertFalse(bytes.containsKey(system), system);
        }
        double sum = bytes.entrySet().stream().filter(e -> !e.getKey().isEmpty())
                .mapToDouble(Map.Entry::getValue).sum();
        assertEquals(sum, bytes.get(""), "total, db=\"\"");
    }

    @Test
    void totalOnlyIsOneValue() throws Exception {
        List<MetricValue> values = collect(Map.of("include", "sizedb_a,sizedb_b", "total", "only"));
        assertEquals(List.of(new MetricValue("bytes", schemaBytes("sizedb_a") + schemaBytes("sizedb_b"),
                MetricType.GAUGE, Map.of("db", ""), Map.of())), values);
    }

    @Test
    void totalNoLeavesTheTotalOut() throws Exception {
        assertEquals(Set.of("sizedb_a"), bytesByDb(collect(Map.of("include", "sizedb_a", "total", "no"))).keySet());
    }

    @Test
    void includeOverridesExclude() throws Exception {
        var bytes = bytesByDb(collect(Map.of("include", " sizedb_b , mysql", "exclude", "sizedb_b")));
        assertEquals(Set.of("sizedb_b", "mysql", ""), bytes.keySet());
    }

    @Test
    void likeMatchesPatterns() throws Exception {
        assertEquals(Set.of("sizedb_a", "sizedb_b", ""),
                bytesByDb(collect(Map.of("include", "sizedb\\_%", "like", "yes"))).keySet());
        var excluded = bytesByDb(collect(Map.of("exclude", "sizedb%,mysql,%schema,sys", "like", "yes")));
        assertFalse(excluded.keySet().stream().anyMatch(db -> db.startsWith("sizedb") || db.equals("mysql")),
                excluded.keySet().toString());
    }

    @Test
    void anExcludeListReplacesTheDefault() throws Exception {
        var bytes = bytesByDb(collect(Map.of("exclude", "sizedb_a")));
        assertTrue(bytes.containsKey("mysql"));
        assertFalse(bytes.containsKey("sizedb_a"));
    }

    @Test
    void namesAreBoundNotWrittenIntoSql() throws Exception {
        assertEquals(Map.of("", 0.0), bytesByDb(collect(Map.of("include", "x') OR ('1'='1"))));
    }

    @Test
    void aBadTotalIsRefused() {
        var e = assertThrows(BlipException.class, () -> collect(Map.of("total", "maybe")));
        assertEquals("size.database: level 'fast': option total='maybe' is not one of [yes, no, only]",
                e.getMessage());
    }

    @Test
    void helpFollowsTheDocs() {
        var options = factory.help().options();
        Option total = options.get("total").orElseThrow();
        assertEquals("yes", total.defaultValue(), "Blip's docs; its code says no");
        assertEquals(Set.of("yes", "no", "only"), total.values().keySet());
        assertEquals("mysql,information_schema,performance_schema,sys", options.get("exclude").orElseThrow().defaultValue());
        assertEquals("", options.get("include").orElseThrow().defaultValue());
        assertEquals("no", options.get("like").orElseThrow().defaultValue());
        assertEquals(List.of("db"), factory.help().groups());
        assertEquals("By", factory.help().metric("bytes").orElseThrow().unit());
    }

    private List<MetricValue> collect(Map<String, String> options) throws Exception {
        return collectOnce(factory, admin(), plan(domain("size.database", List.of(), options)));
    }

    private static Map<String, Double> bytesByDb(List<MetricValue> values) {
        var out = new HashMap<String, Double>();
        for (MetricValue v : values) {
            assertEquals("bytes", v.name());
            assertEquals(MetricType.GAUGE, v.type());
            assertEquals(Set.of("db"), v.group().keySet());
            out.put(v.group().get("db"), v.value());
        }
        assertEquals(values.size(), out.size(), "a db reported twice: " + values);
        return out;
    }

    private static double schemaBytes(String schema) throws Exception {
        try (Connection c = db().admin(); PreparedStatement s = c.prepareStatement(
                "SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = ?")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }
}
