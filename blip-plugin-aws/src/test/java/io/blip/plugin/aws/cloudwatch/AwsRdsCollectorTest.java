package io.blip.plugin.aws.cloudwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.ConnectionSource;
import io.blip.api.config.MonitorConfig;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.AwsSettings;
import io.blip.plugin.aws.FakeEndpointProperties;
import io.blip.plugin.aws.TestMonitors;
import io.blip.testkit.VirtualTime;
import io.blip.testkit.aws.FakeCloudWatch;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The aws.rds collector with the real AWS SDK against a loopback CloudWatch endpoint. */
class AwsRdsCollectorTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:10:30Z");
    private static final Instant T0800 = Instant.parse("2026-01-01T00:08:00Z");
    private static final Instant T0900 = Instant.parse("2026-01-01T00:09:00Z");
    private static final Instant T1000 = Instant.parse("2026-01-01T00:10:00Z");
    private static final Instant T1100 = Instant.parse("2026-01-01T00:11:00Z");

    private FakeCloudWatch cloudWatch;
    private FakeEndpointProperties env;
    private final VirtualTime time = new VirtualTime(NOW);
    private final List<MonitorConfig> lookups = new CopyOnWriteArrayList<>();
    private final RegionLookup regions = m -> {
        lookups.add(m);
        return Optional.of("us-west-2");
    };

    @BeforeEach
    void start() throws Exception {
        cloudWatch = FakeCloudWatch.start();
        env = FakeEndpointProperties.endpoint("aws.endpointUrlCloudWatch", cloudWatch.endpoint());
    }

    @AfterEach
    void stop() {
        env.close();
        cloudWatch.close();
    }

    @Test
    void asksForTheAverageOfEachMinuteOfTheLastTwoMinutesForTheInstance() throws Exception {
        try (Collector c = collector(monitor("db1", "us-west-2"))) {
            c.prepare(plan(domain(List.of("CPUUtilization", "FreeableMemory"), Map.of())));
            c.collect("minute");
        }

        assertEquals(1, cloudWatch.calls());
        FakeCloudWatch.Request request = cloudWatch.requests().getFirst();
        assertEquals("us-west-2", request.region());
        assertEquals("application/cbor", request.headers().get("content-type"));
        assertEquals("rpc-v2-cbor", request.headers().get("smithy-protocol"));
        assertEquals(T0900, request.body().get("StartTime"), "now - 2 min, rounded to the minute as Blip does");
        assertEquals(NOW, request.body().get("EndTime"));
        assertEquals("TimestampAscending", request.body().get("ScanBy"));
        assertEquals(List.of(query("m0", "CPUUtilization", "db1"), query("m1", "FreeableMemory", "db1")),
                request.queries());
    }

    @Test
    void reportsEachDatapointWithItsAwsTimestamp() throws Exception {
        cloudWatch.put("db1", "CPUUtilization", T0800, 5.0)
                .put("db1", "CPUUtilization", T0900, 12.5)
                .put("db1", "CPUUtilization", T1000, 20.0)
                .put("db1", "FreeableMemory", T1000, 1.5e9)
                .put("other-db", "CPUUtilization", T1000, 99.0);

        List<MetricValue> values;
        try (Collector c = collector(monitor("db1", "us-west-2"))) {
            c.prepare(plan(domain(List.of("CPUUtilization", "FreeableMemory", "ReplicaLag"), Map.of())));
            values = c.collect("minute");
        }

        assertEquals(List.of(
                gauge("CPUUtilization", 12.5, T0900),
                gauge("CPUUtilization", 20.0, T1000),
                gauge("FreeableMemory", 1.5e9, T1000)), values);
    }

    @Test
    void reportsNoDatapointTwice() throws Exception {
        cloudWatch.put("db1", "CPUUtilization", T0900, 12.5).put("db1", "CPUUtilization", T1000, 20.0);
        try (Collector c = collector(monitor("db1", "us-west-2"))) {
            c.prepare(plan(domain(List.of("CPUUtilization"), Map.of())));
            assertEquals(2, c.collect("minute").size());

            assertEquals(List.of(), c.collect("minute"), "the same two minutes again");

            time.advance(Duration.ofSeconds(60));
            cloudWatch.put("db1", "CPUUtilization", T1100, 30.0);
            assertEquals(List.of(gauge("CPUUtilization", 30.0, T1100)), c.collect("minute"));

            c.prepare(plan(domain(List.of("CPUUtilization"), Map.of())));
            assertEquals(List.of(), c.collect("minute"), "preparing again keeps what was reported");
        }
        assertEquals(4, cloudWatch.calls());
    }

    @Test
    void abortedClientsAndBacktrackWindowAlertAreDeltaCounters() throws Exception {
        cloudWatch.put("db1", "AbortedClients", T1000, 3)
                .put("db1", "BacktrackWindowAlert", T1000, 1)
                .put("db1", "Queries", T1000, 250);

        List<MetricValue> values;
        try (Collector c = collector(monitor("db1", "us-west-2"))) {
            c.prepare(plan(domain(List.of("AbortedClients", "BacktrackWindowAlert", "Queries"), Map.of())));
            values = c.collect("minute");
        }

        assertEquals(List.of(MetricType.DELTA_COUNTER, MetricType.DELTA_COUNTER, MetricType.GAUGE),
                values.stream().map(MetricValue::type).toList());
    }

    @Test
    void dbIdOptionNamesTheInstance() throws Exception {
        cloudWatch.put("writer-1", "CPUUtilization", T1000, 42.0);

        List<MetricValue> values;
        try (Collector c = collector(monitor("blip-monitor", "us-west-2"))) {
            c.prepare(plan(domain(List.of("CPUUtilization"), Map.of("db-id", "writer-1"))));
            values = c.collect("minute");
        }

        assertEquals(List.of(gauge("CPUUtilization", 42.0, T1000)), values);
        assertEquals(List.of(query("m0", "CPUUtilization", "writer-1")), cloudWatch.requests().getFirst().queries());
    }

    @Test
    void aNameInAnotherCaseIsAskedAndReportedAsAwsSpellsIt() throws Exception {
        cloudWatch.put("db1", "CPUUtilization", T1000, 7.0);

        List<MetricValue> values;
        try (Collector c = collector(monitor("db1", "us-west-2"))) {
            c.prepare(plan(domain(List.of("cpuutilization", "SomeNewMetric"), Map.of())));
            values = c.collect("minute");
        }

        assertEquals(List.of(gauge("CPUUtilization", 7.0, T1000)), values);
        assertEquals(List.of(query("m0", "CPUUtilization", "db1"), query("m1", "SomeNewMetric", "db1")),
                cloudWatch.requests().getFirst().queries());
    }

    @Test
    void followsNextToken() throws Exception {
        cloudWatch.resultsPerPage(1);
        cloudWatch.put("db1", "CPUUtilization", T1000, 1).put("db1", "ReadIOPS", T1000, 2).put("db1", "WriteIOPS", T1000, 3);

        List<MetricValue> values;
        try (Collector c = collector(monitor("db1", "us-west-2"))) {
            c.prepare(plan(domain(List.of("CPUUtilization", "ReadIOPS", "WriteIOPS"), Map.of())));
            values = c.collect("minute");
        }

        assertEquals(List.of(1.0, 2.0, 3.0), values.stream().map(MetricValue::value).toList());
        assertEquals(3, cloudWatch.calls());
        assertEquals("page-1", cloudWatch.requests().get(1).body().get("NextToken"));
    }

    @Test
    void aStalledCallEndsWithinTheDomainsTimeLimitAndLosesNothing() throws Exception {
        cloudWatch.put("db1", "CPUUtilization", T1000, 20.0);
        var fast = new Level("fast", Duration.ofSeconds(1), Map.of("status.global",
                new Domain("status.global", List.of(), Map.of(), Map.of())));
        var minute = new Level("minute", Duration.ofSeconds(60), Map.of("aws.rds",
                domain(List.of("CPUUtilization"), Map.of())));
        var plan = new Plan("test", "test", Map.of("fast", fast, "minute", minute));
        try (Collector c = collector(monitor("db1", "us-west-2"))) {
            c.prepare(plan);
            cloudWatch.fault(FakeCloudWatch.Fault.STALL);

            long start = System.nanoTime();
            var e = assertThrows(BlipException.class, () -> c.collect("minute"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertEquals("aws.rds: level 'minute': cloudwatch:GetMetricData for db1 did not answer within 720 ms",
                    e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "took " + took.toMillis() + " ms");

            cloudWatch.fault(null);
            assertEquals(List.of(gauge("CPUUtilization", 20.0, T1000)), c.collect("minute"));
        }
    }

    @Test
    void accessDeniedNamesThePermission() throws Exception {
        cloudWatch.fault(FakeCloudWatch.Fault.ACCESS_DENIED);
        try (Collector c = collector(monitor("db1", "us-west-2"))) {
            c.prepare(plan(domain(List.of("CPUUtilization"), Map.of())));

            var e = assertThrows(BlipException.class, () -> c.collect("minute"));

            assertEquals("aws.rds: level 'minute': cloudwatch:GetMetricData for db1 failed: AccessDenied: User: "
                    + "arn:aws:iam::123456789012:user/blip-test is not authorized to perform: cloudwatch:GetMetricData "
                    + "(HTTP 403); the IAM policy needs cloudwatch:GetMetricData", e.getMessage());
        }
        assertEquals(1, cloudWatch.calls(), "access denied is not retried");
    }

    @Test
    void throttlingIsRetriedThenReported() throws Exception {
        cloudWatch.fault(FakeCloudWatch.Fault.THROTTLE);
        try (Collector c = collector(monitor("db1", "us-west-2"))) {
            c.prepare(plan(domain(List.of("CPUUtilization"), Map.of())));

            var e = assertThrows(BlipException.class, () -> c.collect("minute"));

            assertEquals("aws.rds: level 'minute': cloudwatch:GetMetricData for db1 failed: Throttling: Rate exceeded "
                    + "(HTTP 400)", e.getMessage());
        }
        assertEquals(2, cloudWatch.calls(), "AwsClients.retry(): 1 attempt and 1 retry");
    }

    @Test
    void makeDoesNothingAndPrepareChecksTheLevelBeforeAnyCall() {
        var factory = new AwsRdsFactory();
        Collector c = factory.make(context(monitor("db1", "us-west-2")));
        assertEquals(List.of(), lookups, "make looks up nothing");

        var unknown = assertThrows(BlipException.class,
                () -> c.prepare(plan(domain(List.of("CPUUtilization"), Map.of("dbid", "x")))));
        assertEquals("aws.rds: level 'minute': unknown option 'dbid'; options: [db-id]", unknown.getMessage());

        var none = assertThrows(BlipException.class, () -> c.prepare(plan(domain(List.of(), Map.of()))));
        assertEquals("aws.rds: level 'minute': no metrics; list CloudWatch AWS/RDS metric names, e.g. "
                + "CPUUtilization, FreeableMemory", none.getMessage());

        assertEquals(List.of(), lookups, "a plan mistake is reported before any AWS work");
        assertEquals(0, cloudWatch.calls());
        c.close();
    }

    @Test
    void anUnsetRegionIsAutoAsInBlip() throws Exception {
        try (Collector c = collector(monitor("db1", ""))) {
            c.prepare(plan(domain(List.of("CPUUtilization"), Map.of())));
            c.collect("minute");
        }

        assertEquals("auto", AwsSettings.of(lookups.getFirst()).region());
        assertEquals("us-west-2", cloudWatch.requests().getFirst().region());
    }

    @Test
    void aLevelWithoutTheDomainCollectsNothing() throws Exception {
        try (Collector c = collector(monitor("db1", "us-west-2"))) {
            c.prepare(plan(domain(List.of("CPUUtilization"), Map.of())));
            assertEquals(List.of(), c.collect("other-level"));
        }
        assertEquals(0, cloudWatch.calls());
    }

    @Test
    void budgetIsFourFifthsOfTheDomainsTimeLimitAtMostTenSeconds() {
        var rds = Map.of("aws.rds", domain(List.of("CPUUtilization"), Map.of()));
        var other = Map.of("status.global", new Domain("status.global", List.of(), Map.of(), Map.of()));
        assertEquals(Duration.ofSeconds(10), AwsRdsCollector.budget(new Plan("p", "", Map.of(
                "m", new Level("m", Duration.ofSeconds(60), rds)))));
        assertEquals(Duration.ofMillis(3600), AwsRdsCollector.budget(new Plan("p", "", Map.of(
                "f", new Level("f", Duration.ofSeconds(5), other), "m", new Level("m", Duration.ofSeconds(60), rds)))));
        assertEquals(Duration.ofMillis(720), AwsRdsCollector.budget(new Plan("p", "", Map.of(
                "f", new Level("f", Duration.ofSeconds(1), other), "m", new Level("m", Duration.ofSeconds(60), rds)))));
        assertEquals(Duration.ofMillis(6400), AwsRdsCollector.budget(new Plan("p", "", Map.of(
                "m", new Level("m", Duration.ofSeconds(10), rds)))));
    }

    @Test
    void windowStartRoundsToTheNearestMinuteAsGoDoes() {
        assertEquals(T0900, AwsRdsCollector.roundToMinute(Instant.parse("2026-01-01T00:08:30Z")));
        assertEquals(T0800, AwsRdsCollector.roundToMinute(Instant.parse("2026-01-01T00:08:29.999Z")));
        assertEquals(T0900, AwsRdsCollector.roundToMinute(T0900));
    }

    @Test
    void helpDeclaresTheOptionAndCounters() {
        var help = new AwsRdsFactory().help();
        assertEquals("aws.rds", help.domain());
        assertEquals("%{monitor.id}", help.options().get("db-id").orElseThrow().defaultValue());
        assertEquals(List.of(), help.meta(), "CloudWatch's time is each value's own time, not meta");
        assertFalse(help.strictMetrics(), "any AWS/RDS metric may be listed");
        assertEquals(MetricType.DELTA_COUNTER, help.metric("AbortedClients").orElseThrow().type());
        assertEquals(MetricType.DELTA_COUNTER, help.metric("BacktrackWindowAlert").orElseThrow().type());
        assertEquals("By", help.metric("FreeableMemory").orElseThrow().unit());
        assertTrue(help.metrics().stream().allMatch(m -> m.name().matches("^[a-zA-Z0-9_-]*$")));
    }

    @Test
    void theModuleProvidesTheDomain() {
        var descriptor = AwsRdsFactory.class.getModule().getDescriptor();
        assertTrue(descriptor.provides().stream().anyMatch(p -> p.service().equals("io.blip.api.collect.CollectorFactory")
                && p.providers().contains(AwsRdsFactory.class.getName())), descriptor.provides().toString());
    }

    // ------------------------------------------------------------------------------------- helpers

    private Collector collector(MonitorConfig monitor) {
        return new AwsRdsFactory().make(context(monitor));
    }

    private CollectorContext context(MonitorConfig monitor) {
        return CollectorContext.of(monitor, NO_MYSQL, time, regions, PluginServices.NONE);
    }

    private static MonitorConfig monitor(String id, String region) {
        return MonitorConfig.of(id).withOrigin("test").withSection("aws", TestMonitors.region(region));
    }

    private static Domain domain(List<String> metrics, Map<String, String> options) {
        return new Domain("aws.rds", metrics, options, Map.of());
    }

    private static Plan plan(Domain domain) {
        return new Plan("test", "test", Map.of("minute", new Level("minute", Duration.ofSeconds(60),
                Map.of("aws.rds", domain))));
    }

    private static MetricValue gauge(String name, double value, Instant ts) {
        return new MetricValue(name, value, MetricType.GAUGE, Map.of(), Map.of(), ts);
    }

    /** A query as the fake decodes it from CBOR. */
    private static Map<String, Object> query(String id, String metric, String dbId) {
        var dimension = new LinkedHashMap<String, Object>();
        dimension.put("Name", "DBInstanceIdentifier");
        dimension.put("Value", dbId);
        var m = new LinkedHashMap<String, Object>();
        m.put("Namespace", "AWS/RDS");
        m.put("MetricName", metric);
        m.put("Dimensions", List.of(dimension));
        var stat = new LinkedHashMap<String, Object>();
        stat.put("Metric", m);
        stat.put("Period", 60L);
        stat.put("Stat", "Average");
        var q = new LinkedHashMap<String, Object>();
        q.put("Id", id);
        q.put("MetricStat", stat);
        q.put("ReturnData", true);
        return q;
    }

    /** aws.rds reads CloudWatch, never MySQL: any use of the pool fails the test. */
    private static final ConnectionSource NO_MYSQL = () -> {
        throw new SQLException("aws.rds must not query MySQL");
    };
}
