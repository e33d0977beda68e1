package io.blip.domains.autoinc;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Collections;
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

class AutoincTest {
    private final AutoincFactory factory = new AutoincFactory();

    @BeforeAll
    static void createTablesAndUseTheirIds() {
        db().execute("DROP DATABASE IF EXISTS autoinc_a", "DROP DATABASE IF EXISTS autoinc_b",
                "CREATE DATABASE autoinc_a", "CREATE DATABASE autoinc_b",
                "CREATE TABLE autoinc_a.tiny_u (id TINYINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v CHAR(1))",
                "CREATE TABLE autoinc_a.tiny_s (id TINYINT AUTO_INCREMENT PRIMARY KEY, v CHAR(1))",
                "CREATE TABLE autoinc_a.small_s (id SMALLINT AUTO_INCREMENT PRIMARY KEY, v CHAR(1))",
                "CREATE TABLE autoinc_a.medium_u (id MEDIUMINT UNSIGNED ZEROFILL AUTO_INCREMENT PRIMARY KEY, v CHAR(1))",
                "CREATE TABLE autoinc_a.integer_s (id INTEGER AUTO_INCREMENT PRIMARY KEY, v CHAR(1))",
                "CREATE TABLE autoinc_a.big_u (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v CHAR(1))",
                "CREATE TABLE autoinc_a.big_s (id BIGINT AUTO_INCREMENT PRIMARY KEY, v CHAR(1))",
                "CREATE TABLE autoinc_a.no_autoinc (id INT PRIMARY KEY)",
                "CREATE VIEW autoinc_a.v AS SELECT * FROM autoinc_a.tiny_u",
                "CREATE TABLE autoinc_b.tiny_u (id TINYINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v CHAR(1))",
                "CREATE TABLE autoinc_b.versioned (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v CHAR(1))"
                        + " WITH SYSTEM VERSIONING",
                // Real inserts move each counter: the next value is 200, 100, 1001, 50001, 3001. Multi-row
                // VALUES: InnoDB knows the row count and takes exactly that many ids.
                insert("autoinc_a.tiny_u", 199),
                insert("autoinc_a.tiny_s", 99),
                insert("autoinc_a.small_s", 1000),
                insert("autoinc_a.medium_u", 50000),
                insert("autoinc_a.integer_s", 3000),
                // Near the top of the 64-bit ranges: past a long for the unsigned one.
                "INSERT INTO autoinc_a.big_u VALUES (18000000000000000000, 'x')",
                "INSERT INTO autoinc_a.big_s VALUES (4611686018427387903, 'x')",
                "INSERT INTO autoinc_b.tiny_u (v) VALUES ('x'), ('y')",
                insert("autoinc_b.versioned", 10),
                "UPDATE autoinc_b.versioned SET v = 'y'",
                // INSERT ... SELECT reserves ids in powers of two: the next value becomes 256.
                "DROP DATABASE IF EXISTS autoinc_c", "CREATE DATABASE autoinc_c",
                "CREATE TABLE autoinc_c.tiny_bulk (id TINYINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v CHAR(1))",
                "INSERT INTO autoinc_c.tiny_bulk (v) SELECT 'x' FROM autoinc_c.seq_1_to_199");
    }

    /** One INSERT of {@code rows} rows. */
    private static String insert(String table, int rows) {
        return "INSERT INTO " + table + " (v) VALUES " + String.join(",", Collections.nCopies(rows, "('x')"));
    }

    @Test
    void aNextValuePastTheTypeIsAFullRange() throws Exception {
        Map<String, MetricValue> usage = byColumn(collect(Map.of("include", "autoinc_c.*")));
        assertUsage(usage, "autoinc_c.tiny_bulk.id", "tinyint unsigned", 100);
    }

    @Test
    void usageIsThePercentOfTheTypeRangeForEveryIntegerType() throws Exception {
        Map<String, MetricValue> usage = byColumn(collect(Map.of("include", "autoinc_a.*")));
        assertEquals(Set.of("autoinc_a.tiny_u.id", "autoinc_a.tiny_s.id", "autoinc_a.small_s.id",
                "autoinc_a.medium_u.id", "autoinc_a.integer_s.id", "autoinc_a.big_u.id", "autoinc_a.big_s.id"),
                usage.keySet(), "no view, no table without auto-increment");
        assertUsage(usage, "autoinc_a.tiny_u.id", "tinyint unsigned", 100.0 * 200 / 255);
        assertEquals(78.43, usage.get("autoinc_a.tiny_u.id").value(), 0.01);
        assertUsage(usage, "autoinc_a.tiny_s.id", "tinyint", 100.0 * 100 / 127);
        assertUsage(usage, "autoinc_a.small_s.id", "smallint", 100.0 * 1001 / 32767);
        assertUsage(usage, "autoinc_a.medium_u.id", "mediumint unsigned", 100.0 * 50001 / 16777215);
        assertUsage(usage, "autoinc_a.integer_s.id", "int", 100.0 * 3001 / 2147483647);
        assertUsage(usage, "autoinc_a.big_u.id", "bigint unsigned", 100 * 18000000000000000001.0 / 18446744073709551615.0);
        assertUsage(usage, "autoinc_a.big_s.id", "bigint", 50);
    }

    @Test
    void defaultsExcludeSystemSchemasAndIncludeSystemVersionedTables() throws Exception {
        Map<String, MetricValue> usage = byColumn(collect(Map.of()));
        assertTrue(usage.keySet().containsAll(Set.of("autoinc_a.tiny_u.id", "autoinc_b.tiny_u.id",
                "autoinc_b.versioned.id")), usage.keySet().toString());
        assertFalse(usage.keySet().stream().anyMatch(c -> c.startsWith("mysql.") || c.startsWith("sys.")
                || c.startsWith("information_schema.") || c.startsWith("performance_schema.")), "system tables");
        assertUsage(usage, "autoinc_b.versioned.id", "int unsigned", 100.0 * 11 / 4294967295L);
    }

    @Test
    void includeTakesTablesDatabasesAndBareTableNames() throws Exception {
        assertEquals(Set.of("autoinc_a.tiny_s.id"), byColumn(collect(Map.of("include", "autoinc_a.tiny_s"))).keySet());
        assertEquals(Set.of("autoinc_a.tiny_u.id", "autoinc_b.tiny_u.id"),
                byColumn(collect(Map.of("include", "tiny_u"))).keySet());
        assertEquals(Set.of("autoinc_b.tiny_u.id", "autoinc_b.versioned.id", "autoinc_a.big_s.id"),
                byColumn(collect(Map.of("include", " autoinc_b.* , autoinc_a.big_s"))).keySet());
    }

    @Test
    void excludeLeavesMatchingTablesOutAndIsIgnoredWithInclude() throws Exception {
        var usage = byColumn(collect(Map.of("exclude", "autoinc_b.*,tiny_s,autoinc_a.big_u,mysql.*,sys.*")));
        assertTrue(usage.containsKey("autoinc_a.tiny_u.id"));
        assertFalse(usage.containsKey("autoinc_a.tiny_s.id"));
        assertFalse(usage.containsKey("autoinc_a.big_u.id"));
        assertFalse(usage.keySet().stream().anyMatch(c -> c.startsWith("autoinc_b.")));
        assertEquals(Set.of("autoinc_b.tiny_u.id"),
                byColumn(collect(Map.of("include", "autoinc_b.tiny_u", "exclude", "autoinc_b.*"))).keySet());
    }

    @Test
    void namesAreBoundNotWrittenIntoSql() throws Exception {
        assertEquals(List.of(), collect(Map.of("include", "x' OR '1'='1.*")));
    }

    @Test
    void anItemThatIsNotATableNameIsAPlanError() {
        for (String item : List.of("autoinc_a.", ".tiny_u", "*.tiny_u", "a.b.c", "*")) {
            var e = assertThrows(BlipException.class, () -> collect(Map.of("exclude", "sys.*," + item)));
            assertEquals("autoinc: level 'fast': option exclude: item '" + item + "' is not a table name; write"
                    + " db.table, db.* (every table of db) or table (that table in any database)", e.getMessage());
        }
        var e = assertThrows(BlipException.class, () -> collect(Map.of("include", "autoinc_a.")));
        assertTrue(e.getMessage().startsWith("autoinc: level 'fast': option include: item 'autoinc_a.'"));
    }

    @Test
    void largestValuesAreThoseOfTheTypes() {
        assertEquals(255, AutoincCollector.IntegerType.largest("tinyint", true));
        assertEquals(127, AutoincCollector.IntegerType.largest("tinyint", false));
        assertEquals(65535, AutoincCollector.IntegerType.largest("smallint", true));
        assertEquals(8388607, AutoincCollector.IntegerType.largest("mediumint", false));
        assertEquals(4294967295.0, AutoincCollector.IntegerType.largest("int", true));
        assertEquals(9223372036854775807.0, AutoincCollector.IntegerType.largest("bigint", false));
        assertEquals(18446744073709551615.0, AutoincCollector.IntegerType.largest("bigint", true));
        assertTrue(Double.isNaN(AutoincCollector.IntegerType.largest("double", false)));
    }

    @Test
    void helpDeclaresOptionsGroupsAndAPercentage() {
        var help = factory.help();
        assertEquals("mysql.*,information_schema.*,performance_schema.*,sys.*",
                help.options().get("exclude").orElseThrow().defaultValue());
        assertTrue(help.options().get("include").isPresent());
        assertEquals(List.of("db", "tbl", "col", "data_type"), help.groups());
        assertEquals("%", help.metric("usage").orElseThrow().unit());
        assertTrue(help.strictMetrics());
    }

    private List<MetricValue> collect(Map<String, String> options) throws Exception {
        return collectOnce(factory, admin(), plan(domain("autoinc", List.of("usage"), options)));
    }

    private static void assertUsage(Map<String, MetricValue> usage, String column, String dataType, double percent) {
        MetricValue v = usage.get(column);
        assertEquals(dataType, v.group().get("data_type"), column);
        assertEquals(percent, v.value(), 1e-9, column);
    }

    /** Values keyed db.tbl.col. */
    private static Map<String, MetricValue> byColumn(List<MetricValue> values) {
        var out = new HashMap<String, MetricValue>();
        for (MetricValue v : values) {
            assertEquals("usage", v.name());
            assertEquals(MetricType.GAUGE, v.type());
            assertEquals(Set.of("db", "tbl", "col", "data_type"), v.group().keySet());
            out.put(v.group().get("db") + "." + v.group().get("tbl") + "." + v.group().get("col"), v);
        }
        assertEquals(values.size(), out.size(), "a column reported twice: " + values);
        return out;
    }
}
