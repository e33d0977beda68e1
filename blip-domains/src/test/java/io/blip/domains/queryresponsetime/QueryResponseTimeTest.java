package io.blip.domains.queryresponsetime;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.plan.Domain;
import io.blip.testkit.EmbeddedMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.blip.domains.TestingCollectors.FAST;
import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.byName;
import static io.blip.domains.TestingCollectors.context;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MariaDB has no events_statements_histogram_global: the SQL and the percentile math run against a
 * copy of MySQL 8.0's table (its DDL, its 450 bucket bounds) in schema rttest, filled as MySQL fills
 * it from the latencies of a real workload on the embedded MariaDB; the missing table against the
 * real performance_schema.
 */
class QueryResponseTimeTest {
    private static final String SCHEMA = "rttest";
    /** MySQL 8.0's SHOW CREATE TABLE performance_schema.events_statements_histogram_global, on InnoDB. */
    private static final String MYSQL8_DDL = """
            CREATE TABLE rttest.events_statements_histogram_global (
              BUCKET_NUMBER int unsigned NOT NULL,
              BUCKET_TIMER_LOW bigint unsigned NOT NULL,
              BUCKET_TIMER_HIGH bigint unsigned NOT NULL,
              COUNT_BUCKET bigint unsigned NOT NULL,
              COUNT_BUCKET_AND_LOWER bigint unsigned NOT NULL,
              BUCKET_QUANTILE double(7,6) NOT NULL,
              PRIMARY KEY (BUCKET_NUMBER)
            ) ENGINE=InnoDB""";

    private static List<Long> latencies; // picoseconds, of the workload's statements

    private final QueryResponseTimeFactory factory = new QueryResponseTimeFactory();

    @BeforeAll
    static void runWorkload() throws SQLException {
        db().execute("DROP DATABASE IF EXISTS " + SCHEMA, "CREATE DATABASE " + SCHEMA, MYSQL8_DDL,
                "CREATE TABLE rttest.t (id INT PRIMARY KEY) ENGINE=InnoDB",
                "UPDATE performance_schema.setup_instruments SET enabled = 'YES', timed = 'YES'"
                        + " WHERE name LIKE 'statement/%'",
                "UPDATE performance_schema.setup_consumers SET enabled = 'YES'"
                        + " WHERE name IN ('events_statements_current', 'events_statements_history_long')",
                "TRUNCATE TABLE performance_schema.events_statements_history_long");
        try (Connection c = db().admin(); Statement s = c.createStatement()) {
            for (int i = 0; i < 60; i++) {
                s.execute("SELECT " + i);
                s.execute("REPLACE INTO rttest.t VALUES (" + i + ")");
            }
            for (int i = 0; i < 10; i++) {
                s.execute("SELECT SLEEP(0.005)");
            }
            s.execute("SELECT SLEEP(0.05)");
        }
        latencies = new ArrayList<>();
        try (Connection c = db().admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT timer_wait FROM performance_schema.events_statements_history_long"
                        + " WHERE sql_text LIKE 'SELECT%' OR sql_text LIKE 'REPLACE%'")) {
            while (rs.next()) {
                latencies.add(rs.getLong(1));
            }
        }
        assertTrue(latencies.size() >= 131, "workload statements seen: " + latencies.size());
    }

    @BeforeEach
    void fillHistogram() throws SQLException {
        MySql8Histogram.fill(db(), SCHEMA, latencies);
    }

    @Test
    void percentilesAreTheBucketBoundsThatReachThem() throws Exception {
        List<MetricValue> values = collect(admin(), domain("query.response-time", List.of("p50", "p95", "p999"),
                Map.of("truncate-table", "no")));
        var byName = byName(values);
        assertEquals(Set.of("p50", "p95", "p999"), byName.keySet());
        for (var p : Map.of("p50", 0.50, "p95", 0.95, "p999", 0.999).entrySet()) {
            MetricValue v = byName.get(p.getKey());
            assertEquals(MetricType.GAUGE, v.type());
            double sampleUs = nearestRank(p.getValue()) / 1e6;
            // The bucket's upper bound: above the sample, within one bucket (4.7 %) of it.
            assertTrue(v.value() > 0 && v.value() >= sampleUs && v.value() <= sampleUs * 1.048 + 10,
                    p.getKey() + " = " + v.value() + " µs, the workload's is " + sampleUs + " µs");
            double reached = Double.parseDouble(v.meta().get(p.getKey()));
            assertTrue(reached >= p.getValue() * 100 && reached <= 100, v.meta().toString());
        }
        assertTrue(byName.get("p999").value() >= 50_000, "SLEEP(0.05) is the slowest: " + byName.get("p999"));
    }

    @Test
    void noMetricsMeansP999AndMetaCanBeLeftOut() throws Exception {
        List<MetricValue> values = collect(admin(), domain("query.response-time", List.of(),
                Map.of("truncate-table", "no", "real-percentiles", "no")));
        assertEquals(1, values.size());
        assertEquals("p999", values.getFirst().name());
        assertTrue(values.getFirst().value() >= 50_000);
        assertEquals(Map.of(), values.getFirst().meta());
    }

    @Test
    void truncateResetsTheTableAndAnEmptyOneReportsNothing() throws Exception {
        try (Collector c = collector(admin())) {
            c.prepare(plan(domain("query.response-time", List.of("p95"), Map.of())));
            assertEquals(1, c.collect(FAST).size());
            assertEquals(0, rows());
            assertEquals(List.of(), c.collect(FAST), "no statement since the TRUNCATE");
        }
    }

    @Test
    void aUserWithoutDropIsNeverTruncatedFor() throws Exception {
        db().createUser("rt_nodrop", "pw", "SELECT ON *.*");
        try (Collector c = collector(context(db().dataSource("rt_nodrop", "pw")))) {
            c.prepare(plan(domain("query.response-time", List.of("p95"), Map.of())));
            assertEquals(1, c.collect(FAST).size());
            assertEquals(450, rows(), "not truncated");
            assertEquals(1, c.collect(FAST).size());
        }
    }

    @Test
    void aTruncateBlockedPastTheTimeoutKeepsItsValuesThenThePolicyApplies() throws Exception {
        var zero = new Domain("query.response-time", List.of("p95"), Map.of("truncate-timeout", "250ms"),
                Map.of("truncate-timeout", "report,zero,retry"));
        try (Collector c = collector(admin()); Connection other = db().admin(); Statement s = other.createStatement()) {
            c.prepare(plan(zero));
            s.execute("START TRANSACTION");
            s.execute("SELECT COUNT(*) FROM rttest.events_statements_histogram_global"); // holds a metadata lock
            long start = System.nanoTime();
            List<MetricValue> first = c.collect(FAST);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs >= 250 && tookMs < 1000, "TRUNCATE cut off after " + tookMs + " ms");
            assertEquals(1, first.size());
            assertTrue(first.getFirst().value() > 0, "the interval that failed keeps its values");
            assertEquals(450, rows());
            List<MetricValue> second = c.collect(FAST);
            assertEquals(List.of(MetricValue.gauge("p95", 0)), second, "spans two intervals: zero");
            s.execute("COMMIT");
            assertEquals(List.of(MetricValue.gauge("p95", 0)), c.collect(FAST), "read before the first good TRUNCATE");
            assertEquals(0, rows());
            fillHistogram();
            assertEquals(1, c.collect(FAST).size(), "back to one interval");
        }
    }

    @Test
    void policyStopStopsTheLevelAfterAFailedTruncate() throws Exception {
        var stop = new Domain("query.response-time", List.of("p95"), Map.of("truncate-timeout", "100ms"),
                Map.of("truncate-timeout", "ignore,drop,stop"));
        try (Collector c = collector(admin()); Connection other = db().admin(); Statement s = other.createStatement()) {
            c.prepare(plan(stop));
            s.execute("START TRANSACTION");
            s.execute("SELECT COUNT(*) FROM rttest.events_statements_histogram_global");
            assertEquals(1, c.collect(FAST).size());
            s.execute("COMMIT");
            assertEquals(List.of(), c.collect(FAST));
            assertEquals(450, rows(), "stopped: no TRUNCATE either");
        }
    }

    @Test
    void theRealServerHasNoTableAndSaysSoWithItsCode() {
        var e = assertThrows(SQLException.class, () -> {
            try (Collector c = factory.make(admin())) {
                c.prepare(plan(domain("query.response-time", List.of("p99"), Map.of("truncate-table", "no"))));
                c.collect(FAST);
            }
        });
        assertEquals(1146, e.getErrorCode());
        assertEquals(Set.of(1146), factory.help().errors().get("table-not-exist").mysqlErrorCodes());
    }

    @Test
    void wrongMetricsOptionsAndPoliciesAreClearErrors() {
        assertEquals("query.response-time: level 'fast': metric 'p99.9' is not a percentile; write pN with N a whole"
                        + " number from 1 to 999: p95 for the 95th percentile, p999 for the 99.9th (for p99.9 write p999)",
                prepareError(domain("query.response-time", List.of("p99.9"), Map.of())));
        assertEquals("query.response-time: level 'fast': metric 'p1000' is not a percentile; write pN with N a whole"
                        + " number from 1 to 999: p95 for the 95th percentile, p999 for the 99.9th",
                prepareError(domain("query.response-time", List.of("p1000"), Map.of())));
        assertEquals("query.response-time: level 'fast': option truncate-timeout='soon' is not a positive duration;"
                        + " write it like 250ms or 1s",
                prepareError(domain("query.response-time", List.of(), Map.of("truncate-timeout", "soon"))));
        assertEquals("query.response-time: level 'fast': option truncate-table='maybe' is not one of [yes, no]",
                prepareError(domain("query.response-time", List.of(), Map.of("truncate-table", "maybe"))));
        assertEquals("query.response-time: level 'fast': error policy truncate-timeout: 'report,retry,zero' is not an"
                        + " error policy: 'zero' is out of order or repeated; write <report>,<metric>,<retry> with report ="
                        + " report|report-once|ignore, metric = drop|zero, retry = retry|stop (any of the three, in"
                        + " that order), e.g. ignore,drop,retry",
                prepareError(new Domain("query.response-time", List.of(), Map.of(),
                        Map.of("truncate-timeout", "report,retry,zero"))));
    }

    @Test
    void helpDeclaresEveryOptionMetricAndError() {
        var help = factory.help();
        assertEquals(List.of("real-percentiles", "truncate-table", "truncate-timeout"), help.options().keys());
        assertEquals("250ms", help.options().get("truncate-timeout").orElseThrow().defaultValue());
        assertEquals("us", help.metric("p999").orElseThrow().unit());
        assertEquals(List.of("pN"), help.meta());
        assertEquals(Set.of("table-not-exist", "truncate-timeout"), help.errors().keySet());
    }

    private String prepareError(Domain d) {
        return assertThrows(BlipException.class, () -> {
            try (Collector c = collector(admin())) {
                c.prepare(plan(d));
            }
        }).getMessage();
    }

    private static Collector collector(CollectorContext context) {
        return new QueryResponseTimeCollector(context, SCHEMA);
    }

    private static List<MetricValue> collect(CollectorContext context, Domain d) throws Exception {
        try (Collector c = collector(context)) {
            c.prepare(plan(d));
            return c.collect(FAST);
        }
    }

    /** The workload's latency at rank ceil(p·n), picoseconds. */
    private static long nearestRank(double p) {
        List<Long> sorted = latencies.stream().sorted().toList();
        return sorted.get((int) Math.ceil(p * sorted.size()) - 1);
    }

    private static long rows() throws SQLException {
        try (Connection c = db().admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM rttest.events_statements_histogram_global")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static EmbeddedMariaDb server() {
        return db();
    }
}
