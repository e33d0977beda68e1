package io.blip.domains.waitiotable;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.config.Option;
import io.blip.api.plan.Domain;
import io.blip.testkit.LogEvents;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.blip.domains.TestingCollectors.FAST;
import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.context;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.plan;
import static io.blip.domains.TestingCollectors.where;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitIoTableTest {
    private static final String DOMAIN = "wait.io.table";
    private static final String PFS_TABLE = "performance_schema.table_io_waits_summary_by_table";
    private final WaitIoTableFactory factory = new WaitIoTableFactory();

    @BeforeAll
    static void createTables() {
        db().execute("DROP DATABASE IF EXISTS waitio_a", "DROP DATABASE IF EXISTS waitio_b",
                "CREATE DATABASE waitio_a", "CREATE DATABASE waitio_b",
                "CREATE TABLE waitio_a.t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB",
                "CREATE TABLE waitio_a.other (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE waitio_b.t (id INT PRIMARY KEY) ENGINE=InnoDB");
        db().createUser("waitio_nodrop", "nodrop-pw", "SELECT ON *.*");
        db().createUser("waitio_drop", "drop-pw", "SELECT ON *.*", "DROP ON " + PFS_TABLE);
    }

    @BeforeEach
    void emptyTheTables() {
        db().execute("DELETE FROM waitio_a.t", "DELETE FROM waitio_a.other", "DELETE FROM waitio_b.t");
    }

    @Test
    void truncatingReportsDeltasOfARealWorkloadAfterAFirstCollectionThatOnlyTruncates() throws Exception {
        try (Collector c = factory.make(admin())) {
            c.prepare(plan(waitIo(List.of("count_insert", "sum_timer_insert", "max_timer_insert", "count_fetch"),
                    Map.of("include", "waitio_a.t"))));
            assertEquals(List.of(), c.collect(FAST), "the first values go back to when MySQL started");
            assertEquals(0, pfsCount("waitio_a", "t", "COUNT_INSERT"), "truncated");

            db().execute("INSERT INTO waitio_a.t VALUES (1, 1), (2, 2), (3, 3)", "SELECT * FROM waitio_a.t");
            Map<String, MetricValue> first = byName(c.collect(FAST));
            assertEquals(Set.of("count_insert", "sum_timer_insert", "max_timer_insert", "count_fetch"), first.keySet());
            assertEquals(new MetricValue("count_insert", 3, MetricType.DELTA_COUNTER,
                    Map.of("db", "waitio_a", "tbl", "t"), Map.of()), first.get("count_insert"));
            assertTrue(first.get("count_fetch").value() >= 3, first.toString());
            assertTrue(first.get("sum_timer_insert").value() > 0, "picoseconds: " + first);
            assertEquals(MetricType.DELTA_COUNTER, first.get("sum_timer_insert").type());
            assertEquals(MetricType.GAUGE, first.get("max_timer_insert").type(), "a greatest wait is no counter");
            assertTrue(first.get("max_timer_insert").value() > 0);

            db().execute("INSERT INTO waitio_a.t VALUES (4, 4), (5, 5)");
            assertEquals(2, byName(c.collect(FAST)).get("count_insert").value(), "only what happened since");
            assertEquals(0, byName(c.collect(FAST)).get("count_insert").value(), "nothing happened since");
        }
    }

    @Test
    void withoutTruncatingCountersAreCumulative() throws Exception {
        try (Collector c = factory.make(admin())) {
            c.prepare(plan(waitIo(List.of("count_star", "count_insert", "avg_timer_wait"),
                    Map.of("include", "waitio_a.t", "truncate-table", "no"))));
            Map<String, MetricValue> before = byName(c.collect(FAST));
            db().execute("INSERT INTO waitio_a.t VALUES (1, 1), (2, 2)");
            Map<String, MetricValue> after = byName(c.collect(FAST));
            assertEquals(MetricType.CUMULATIVE_COUNTER, after.get("count_insert").type());
            assertEquals(MetricType.GAUGE, after.get("avg_timer_wait").type());
            assertEquals(before.get("count_insert").value() + 2, after.get("count_insert").value());
            assertTrue(after.get("count_star").value() >= after.get("count_insert").value());
            assertTrue(pfsCount("waitio_a", "t", "COUNT_INSERT") >= 2, "not truncated");
        }
    }

    @Test
    void aUserWithoutDropIsNeverTruncatedForAndToldOnce() throws Exception {
        db().execute("INSERT INTO waitio_a.t VALUES (1, 1)");
        double inserted = pfsCount("waitio_a", "t", "COUNT_INSERT");
        assertTrue(inserted >= 1);
        CollectorContext nodrop = context(db().dataSource("waitio_nodrop", "nodrop-pw"));
        try (LogEvents log = new LogEvents(WaitIoTableCollector.class); Collector c = factory.make(nodrop)) {
            c.prepare(plan(waitIo(List.of("count_insert"), Map.of("include", "waitio_a.t"))));
            MetricValue first = c.collect(FAST).getFirst();
            assertEquals(MetricType.CUMULATIVE_COUNTER, first.type(), "what the counters are without truncating");
            assertEquals(inserted, first.value());
            c.prepare(plan(waitIo(List.of("count_insert"), Map.of("include", "waitio_a.t"))));
            assertEquals(inserted, c.collect(FAST).getFirst().value());
            assertEquals(inserted, pfsCount("waitio_a", "t", "COUNT_INSERT"), "not truncated");
            assertEquals(List.of("monitor test: wait.io.table: the MySQL user lacks the DROP privilege on " + PFS_TABLE
                    + " that TRUNCATE TABLE needs, so the table is never truncated (collecting cumulative counters;"
                    + " or set truncate-table: no); to truncate, GRANT DROP ON " + PFS_TABLE + " TO the monitor's user"),
                    log.at("WARN"));
        }
    }

    @Test
    void aUserWithDropOnTheTableTruncates() throws Exception {
        CollectorContext drop = context(db().dataSource("waitio_drop", "drop-pw"));
        try (LogEvents log = new LogEvents(WaitIoTableCollector.class); Collector c = factory.make(drop)) {
            c.prepare(plan(waitIo(List.of("count_insert"), Map.of("include", "waitio_a.t"))));
            c.collect(FAST);
            db().execute("INSERT INTO waitio_a.t VALUES (1, 1)");
            assertEquals(1, pfsCount("waitio_a", "t", "COUNT_INSERT"), "truncated by the first collection");
            assertEquals(List.of(new MetricValue("count_insert", 1, MetricType.DELTA_COUNTER,
                    Map.of("db", "waitio_a", "tbl", "t"), Map.of())), c.collect(FAST));
            assertEquals(List.of(), log.all());
        }
    }

    @Test
    void aTruncateBlockedByAMetadataLockIsCancelledAtTruncateTimeout() throws Exception {
        var truncation = new io.blip.domains.Truncation(admin(), "wait.io.table", "performance_schema",
                "table_io_waits_summary_by_table", warning -> { }, true);
        try (MetadataLock lock = MetadataLock.take(); Connection c = db().admin()) {
            long lockWaitTimeout = sessionLockWaitTimeout(c);
            long start = System.nanoTime();
            var e = assertThrows(SQLException.class, () -> truncation.truncate(Duration.ofMillis(100)));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1317, e.getErrorCode());
            assertEquals("TRUNCATE TABLE " + PFS_TABLE + " did not finish within truncate-timeout 100ms and was"
                    + " cancelled", e.getMessage());
            // The server's own bound, lock_wait_timeout, is whole seconds: within 1 s, the cancel ended it.
            assertTrue(tookMillis < 1000, tookMillis + " ms");
            assertEquals(lockWaitTimeout, sessionLockWaitTimeout(c), "the pool's connection is as it was");
            try (Statement s = c.createStatement()) {
                s.execute("DO 1"); // the cancel interrupts nothing after it
            }
        }
    }

    @Test
    void afterAFailedTruncateValuesAreDroppedOrZeroUntilATruncateSucceeds() throws Exception {
        for (String policy : List.of("", "report,drop,retry", "report-once,zero,retry")) {
            boolean zero = policy.contains("zero");
            try (LogEvents log = new LogEvents(WaitIoTableCollector.class); Collector c = factory.make(admin())) {
                c.prepare(plan(waitIo(List.of("count_insert"), Map.of("include", "waitio_a.*", "truncate-timeout",
                        "100ms"), policy)));
                c.collect(FAST); // truncated: from now on, one interval
                db().execute("INSERT INTO waitio_a.t VALUES (1, 1)");
                List<MetricValue> good;
                try (MetadataLock lock = MetadataLock.take()) {
                    good = c.collect(FAST);
                    assertEquals(1, byTable(good).get("waitio_a.t"), "read before the truncate failed: one interval");
                    List<MetricValue> afterFailure = c.collect(FAST);
                    assertEquals(zero ? Map.of("waitio_a.t", 0.0, "waitio_a.other", 0.0) : Map.of(),
                            byTable(afterFailure), policy);
                }
                List<MetricValue> recovering = c.collect(FAST); // truncates; its values span the failures
                assertEquals(zero ? 2 : 0, recovering.size(), policy);
                db().execute("INSERT INTO waitio_a.t VALUES (2, 2)");
                assertEquals(Map.of("waitio_a.t", 1.0, "waitio_a.other", 0.0), byTable(c.collect(FAST)), policy);
                List<String> warnings = log.at("WARN");
                assertEquals(zero ? 1 : 2, warnings.size(), policy + ": " + warnings);
                assertEquals("collector-error: monitor test: wait.io.table in level fast: truncate-timeout: MySQL error"
                        + " 1317: TRUNCATE TABLE " + PFS_TABLE + " did not finish within truncate-timeout 100ms and was"
                        + " cancelled (policy: "
                        + (policy.isEmpty() ? "report,drop,retry" : policy) + ")", warnings.getFirst());
                db().execute("DELETE FROM waitio_a.t");
            }
        }
    }

    @Test
    void stopEndsCollectingUntilThePlanIsPreparedAgain() throws Exception {
        try (LogEvents log = new LogEvents(WaitIoTableCollector.class); Collector c = factory.make(admin())) {
            var plan = plan(waitIo(List.of("count_insert"), Map.of("include", "waitio_a.t", "truncate-timeout", "50ms"),
                    "ignore,drop,stop"));
            c.prepare(plan);
            c.collect(FAST);
            try (MetadataLock lock = MetadataLock.take()) {
                assertEquals(1, c.collect(FAST).size(), "the values read before the failure");
            }
            assertEquals(List.of(), c.collect(FAST), "stopped");
            assertEquals(List.of("monitor test: wait.io.table in level fast stopped until the plan is prepared again (error policy"
                    + " 'stop' for truncate-timeout)"), log.at("WARN"), "ignore: the error itself is not reported");
            c.prepare(plan);
            c.collect(FAST); // the truncate that failed left more than one interval
            assertEquals(1, c.collect(FAST).size(), "collecting again");
        }
    }

    @Test
    void includeExcludeAndAllChooseTablesAndColumns() throws Exception {
        db().execute("INSERT INTO waitio_a.t VALUES (1, 1)", "INSERT INTO waitio_a.other VALUES (1)",
                "INSERT INTO waitio_b.t VALUES (1)");
        Map<String, String> cumulative = Map.of("truncate-table", "no");
        assertEquals(Set.of("waitio_a.t", "waitio_b.t"), tables(collect(List.of("count_star"), with(cumulative,
                "include", "t"))));
        assertEquals(Set.of("waitio_a.t", "waitio_a.other"), tables(collect(List.of("count_star"), with(cumulative,
                "include", "waitio_a.*"))));
        assertEquals(Set.of("waitio_a.other", "waitio_b.t"), tables(collect(List.of("count_star"), with(cumulative,
                "include", "waitio_a.other, waitio_b.t"))));
        Set<String> byDefault = tables(collect(List.of("count_star"), cumulative));
        assertTrue(byDefault.containsAll(Set.of("waitio_a.t", "waitio_a.other", "waitio_b.t")), byDefault.toString());
        assertFalse(byDefault.stream().anyMatch(t -> t.startsWith("mysql.") || t.startsWith("sys.")
                || t.startsWith("performance_schema.")), byDefault.toString());
        Set<String> excluded = tables(collect(List.of("count_star"), with(cumulative, "exclude",
                "waitio_a.*,mysql.*,sys.*")));
        assertTrue(excluded.contains("waitio_b.t") && !excluded.contains("waitio_a.t"), excluded.toString());
        assertEquals(Set.of(), tables(collect(List.of("count_star"), with(cumulative, "include", "x' OR '1'='1.*"))),
                "names are bound, not written into the SQL");

        List<MetricValue> all = collect(List.of(), Map.of("all", "yes", "include", "waitio_a.t", "truncate-table", "no"));
        assertEquals(WaitIoTableFactory.COLUMNS, all.stream().map(MetricValue::name).toList());
        assertEquals(35, all.size());
        List<MetricValue> upper = collect(List.of("COUNT_WRITE", "SUM_TIMER_WRITE"), with(cumulative, "include",
                "waitio_a.t"));
        assertEquals(List.of("count_write", "sum_timer_write"), upper.stream().map(MetricValue::name).toList());
        assertTrue(upper.getFirst().value() >= 1, "the INSERT is a write");
    }

    @Test
    void planMistakesFailPrepareNamingDomainLevelOptionAndFix() {
        assertEquals("wait.io.table: level 'fast': no metrics listed; list some (e.g. count_star, sum_timer_wait)"
                + " or set option all=yes", prepareError(List.of(), Map.of(), ""));
        assertEquals("wait.io.table: level 'fast': option truncate-timeout='soon' is not a positive duration; write it"
                + " like 250ms or 1s", prepareError(List.of("count_star"), Map.of("truncate-timeout", "soon"), ""));
        assertEquals("wait.io.table: level 'fast': error policy truncate-timeout: 'report,keep' is not an error policy:"
                + " unknown word 'keep'; write <report>,<metric>,<retry> with report = report|report-once|ignore,"
                + " metric = drop|zero, retry = retry|stop (any of the three, in that order), e.g. ignore,drop,retry",
                prepareError(List.of("count_star"), Map.of(), "report,keep"));
        assertEquals("wait.io.table: level 'fast': unknown metric 'object_name'; metrics: " + WaitIoTableFactory.COLUMNS,
                prepareError(List.of("object_name"), Map.of(), ""));
    }

    @Test
    void aDisabledInstrumentIsTheTableNotExistError() {
        db().execute("UPDATE performance_schema.setup_instruments SET ENABLED = 'NO'"
                + " WHERE NAME = 'wait/io/table/sql/handler'");
        try {
            var e = assertThrows(SQLException.class, () -> collect(List.of("count_star"), Map.of()));
            assertEquals(1146, e.getErrorCode());
            assertEquals("wait.io.table: " + PFS_TABLE + " has no rows to read: the Performance Schema instrument"
                    + " wait/io/table/sql/handler is disabled; enable it with UPDATE performance_schema.setup_instruments"
                    + " SET ENABLED = 'YES', TIMED = 'YES' WHERE NAME = 'wait/io/table/sql/handler' (reported as error"
                    + " 1146, table-not-exist)", e.getMessage());
        } finally {
            db().execute("UPDATE performance_schema.setup_instruments SET ENABLED = 'YES', TIMED = 'YES'"
                    + " WHERE NAME = 'wait/io/table/sql/handler'");
        }
    }

    @Test
    void helpFollowsBlip() {
        var help = factory.help();
        assertEquals("no", help.options().get("all").orElseThrow().defaultValue());
        assertEquals("yes", help.options().get("truncate-table").orElseThrow().defaultValue());
        Option timeout = help.options().get("truncate-timeout").orElseThrow();
        assertEquals("250ms", timeout.defaultValue());
        assertEquals(Option.Type.DURATION, timeout.type());
        assertEquals("mysql.*,information_schema.*,performance_schema.*,sys.*",
                help.options().get("exclude").orElseThrow().defaultValue());
        assertEquals(List.of("db", "tbl"), help.groups());
        assertEquals(Set.of("truncate-timeout", "table-not-exist"), help.errors().keySet());
        assertEquals(35, help.metrics().size());
        assertEquals(MetricType.DELTA_COUNTER, help.metric("count_star").orElseThrow().type());
        assertEquals(MetricType.GAUGE, help.metric("min_timer_fetch").orElseThrow().type());
        assertTrue(help.metric("sum_timer_wait").orElseThrow().description().contains("picoseconds"));
        assertEquals("ps", help.metric("sum_timer_wait").orElseThrow().unit());
        assertEquals("", help.metric("count_star").orElseThrow().unit());
    }

    private static Domain waitIo(List<String> metrics, Map<String, String> options) {
        return waitIo(metrics, options, "");
    }

    private static Domain waitIo(List<String> metrics, Map<String, String> options, String policy) {
        return new Domain(DOMAIN, metrics, options, policy.isEmpty() ? Map.of() : Map.of("truncate-timeout", policy));
    }

    private List<MetricValue> collect(List<String> metrics, Map<String, String> options) throws Exception {
        return collectOnce(factory, admin(), plan(waitIo(metrics, options)));
    }

    private String prepareError(List<String> metrics, Map<String, String> options, String policy) {
        return assertThrows(BlipException.class, () -> factory.make(admin()).prepare(plan(waitIo(metrics, options,
                policy)))).getMessage();
    }

    private static Map<String, String> with(Map<String, String> options, String key, String value) {
        var out = new HashMap<>(options);
        out.put(key, value);
        return out;
    }

    private static Map<String, MetricValue> byName(List<MetricValue> values) {
        return values.stream().collect(Collectors.toMap(MetricValue::name, v -> v));
    }

    /** One metric's values by db.tbl. */
    private static Map<String, Double> byTable(List<MetricValue> values) {
        return values.stream().collect(Collectors.toMap(v -> v.group().get("db") + "." + v.group().get("tbl"),
                MetricValue::value));
    }

    private static Set<String> tables(List<MetricValue> values) {
        return byTable(where(values, g -> true)).keySet();
    }

    private static double pfsCount(String schema, String table, String column) throws SQLException {
        try (Connection c = db().admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + column + " FROM " + PFS_TABLE + " WHERE OBJECT_SCHEMA = '"
                     + schema + "' AND OBJECT_NAME = '" + table + "'")) {
            return rs.next() ? rs.getDouble(1) : -1;
        }
    }

    private static long sessionLockWaitTimeout(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@SESSION.lock_wait_timeout")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A transaction on another connection that has read the Performance Schema table: it holds the
     * table's shared metadata lock until it ends, so a TRUNCATE waits.
     */
    private record MetadataLock(Connection connection) implements AutoCloseable {
        static MetadataLock take() throws SQLException {
            Connection c = db().admin();
            try (Statement s = c.createStatement()) {
                s.execute("START TRANSACTION");
                s.executeQuery("SELECT COUNT(*) FROM " + PFS_TABLE).close();
            }
            return new MetadataLock(c);
        }

        @Override
        public void close() throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("COMMIT");
            }
            connection.close();
        }
    }
}
