package io.blip.plugin.aws.rds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.config.OptionSet.OptionsException;
import io.blip.api.config.Options;
import io.blip.api.monitor.MonitorLoaderContext;
import io.blip.api.monitor.MonitorSpec;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.AwsSettings;
import io.blip.plugin.aws.FakeEndpointProperties;
import io.blip.testkit.aws.FakeRds;
import io.blip.testkit.aws.FakeRds.Fault;
import io.blip.testkit.aws.FakeRds.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The RDS monitor loader with the real AWS SDK against a loopback RDS endpoint. */
class RdsMonitorLoaderTest {
    private static final String PATH = "monitor-loader.aws";

    private FakeRds rds;
    private FakeEndpointProperties env;
    private final List<MonitorConfig> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        rds = FakeRds.start();
        env = FakeEndpointProperties.endpoint("aws.endpointUrlRds", rds.endpoint());
    }

    @AfterEach
    void stop() {
        env.close();
        rds.close();
    }

    @Test
    void oneMonitorPerInstanceWithIdHostnameAndRegion() {
        rds.add("us-east-1", Instance.of("db1", "db1.abc.us-east-1.rds.amazonaws.com", 3306),
                Instance.of("db2", "db2.abc.us-east-1.rds.amazonaws.com", 3307).inCluster("c1"));

        List<MonitorSpec> found = load(Map.of("regions", List.of("us-east-1")));

        assertEquals(List.of(
                spec("us-east-1", "db1", "db1.abc.us-east-1.rds.amazonaws.com:3306"),
                spec("us-east-1", "db2", "db2.abc.us-east-1.rds.amazonaws.com:3307")), found);
        assertEquals("monitor-loader.aws: rds us-east-1 db1", found.getFirst().origin());
        assertEquals(1, rds.calls());
        var request = rds.requests().getFirst();
        assertEquals("us-east-1", request.region());
        assertEquals(Map.of("Action", "DescribeDBInstances", "Version", "2014-10-31"), request.params());
    }

    @Test
    void followsEveryPage() {
        for (int i = 0; i < 250; i++) {
            rds.add("us-east-1", Instance.of("db" + i, "db" + i + ".x.us-east-1.rds.amazonaws.com", 3306));
        }

        List<MonitorSpec> found = load(Map.of("regions", List.of("us-east-1")));

        assertEquals(250, found.size());
        assertEquals("db249", found.get(249).config().get("id"));
        assertEquals(3, rds.calls());
        assertFalse(rds.requests().get(0).params().containsKey("Marker"));
        assertTrue(rds.requests().get(1).params().get("Marker").startsWith("marker-100-"));
        assertTrue(rds.requests().get(2).params().get("Marker").startsWith("marker-200-"));
    }

    @Test
    void skipsInstancesWithoutAnEndpoint() {
        rds.add("us-east-1", Instance.creating("new-db"), Instance.of("db1", "db1.x.us-east-1.rds.amazonaws.com", 3306));

        List<MonitorSpec> found = load(Map.of("regions", List.of("us-east-1")));

        assertEquals(List.of(spec("us-east-1", "db1", "db1.x.us-east-1.rds.amazonaws.com:3306")), found);
    }

    @Test
    void describesEachRegionOnceWithItsOwnRegion() {
        rds.add("us-east-1", Instance.of("east", "east.x.us-east-1.rds.amazonaws.com", 3306));
        rds.add("eu-west-1", Instance.of("west", "west.x.eu-west-1.rds.amazonaws.com", 3306));

        List<MonitorSpec> found = load(Map.of("regions", List.of("us-east-1", "eu-west-1", "us-east-1")));

        assertEquals(List.of(spec("us-east-1", "east", "east.x.us-east-1.rds.amazonaws.com:3306"),
                spec("eu-west-1", "west", "west.x.eu-west-1.rds.amazonaws.com:3306")), found);
        assertEquals(List.of("us-east-1", "eu-west-1"), rds.requests().stream().map(FakeRds.Request::region).toList());
    }

    @Test
    void autoIsTheRegionTheRegionChainFinds() {
        rds.add("eu-central-1", Instance.of("db1", "db1.x.eu-central-1.rds.amazonaws.com", 3306));

        List<MonitorSpec> found = load(Map.of("regions", List.of("auto")), region("eu-central-1"));

        assertEquals(List.of(spec("eu-central-1", "db1", "db1.x.eu-central-1.rds.amazonaws.com:3306")), found);
        assertEquals("auto", AwsSettings.of(asked.getFirst()).region());
        assertEquals("eu-central-1", rds.requests().getFirst().region());
    }

    @Test
    void autoAndTheSameExplicitRegionDescribeItOnce() {
        rds.add("eu-central-1", Instance.of("db1", "db1.x.eu-central-1.rds.amazonaws.com", 3306));

        List<MonitorSpec> found = load(Map.of("regions", List.of("eu-central-1", "auto")), region("eu-central-1"));

        assertEquals(1, found.size());
        assertEquals(1, rds.calls());
    }

    @Test
    void autoWithoutARegionIsIgnored() {
        rds.add("us-east-1", Instance.of("db1", "db1.x.us-east-1.rds.amazonaws.com", 3306));

        List<MonitorSpec> found = load(Map.of("regions", List.of("auto", "us-east-1")), m -> {
            asked.add(m);
            return Optional.empty();
        });

        assertEquals(1, found.size());
        assertEquals(List.of("us-east-1"), rds.requests().stream().map(FakeRds.Request::region).toList());
    }

    @Test
    void withAutoAFailingRegionIsSkippedAndTheOthersKept() {
        rds.add("us-east-1", Instance.of("east", "east.x.us-east-1.rds.amazonaws.com", 3306));
        rds.add("eu-west-1", Instance.of("west", "west.x.eu-west-1.rds.amazonaws.com", 3306));
        rds.fail("us-east-1", Fault.ACCESS_DENIED);

        List<MonitorSpec> found = load(Map.of("regions", List.of("us-east-1", "auto")), region("eu-west-1"));

        assertEquals(List.of(spec("eu-west-1", "west", "west.x.eu-west-1.rds.amazonaws.com:3306")), found);
    }

    @Test
    void withoutAutoAFailingRegionFailsTheLoad() {
        rds.add("eu-west-1", Instance.of("west", "west.x.eu-west-1.rds.amazonaws.com", 3306));
        rds.fail("us-east-1", Fault.ACCESS_DENIED);

        var e = assertThrows(BlipException.class, () -> load(Map.of("regions", List.of("eu-west-1", "us-east-1"))));

        assertEquals("region us-east-1: rds:DescribeDBInstances failed: AccessDenied: User: "
                + "arn:aws:iam::123456789012:user/blip-test is not authorized to perform: rds:DescribeDBInstances on "
                + "resource: arn:aws:rds:us-east-1:123456789012:db:* (HTTP 403); the IAM policy needs "
                + "rds:DescribeDBInstances", e.getMessage());
        assertEquals(2, rds.calls(), "access denied is not retried");
    }

    @Test
    void throttlingIsRetriedBySdk() {
        rds.add("us-east-1", Instance.of("db1", "db1.x.us-east-1.rds.amazonaws.com", 3306));
        rds.fail("us-east-1", Fault.THROTTLE, 1);

        List<MonitorSpec> found = load(Map.of("regions", List.of("us-east-1")));

        assertEquals(1, found.size());
        assertEquals(2, rds.calls());
    }

    @Test
    void persistentThrottlingFailsWithTheAwsError() {
        rds.fail("us-east-1", Fault.THROTTLE);

        var e = assertThrows(BlipException.class, () -> load(Map.of("regions", List.of("us-east-1"))));

        assertEquals("region us-east-1: rds:DescribeDBInstances failed: Throttling: Rate exceeded (HTTP 400)",
                e.getMessage());
        assertEquals(2, rds.calls(), "AwsClients.retry(): 1 attempt and 1 retry");
    }

    @Test
    void aStalledEndpointFailsWithinTheCallTimeout() {
        rds.fail("us-east-1", Fault.STALL);
        var loader = new RdsMonitorLoader(Duration.ofMillis(500));

        long start = System.nanoTime();
        var e = assertThrows(BlipException.class, () -> loader.load(context(Map.of("regions", List.of("us-east-1")),
                RegionLookup.NONE)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("region us-east-1: rds:DescribeDBInstances did not answer within 500 ms", e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
    }

    @Test
    void tagFilterKeepsInstancesWithEveryTag() {
        rds.add("us-east-1",
                Instance.of("prod-a", "a.x.us-east-1.rds.amazonaws.com", 3306).withTags(Map.of("env", "prod", "team", "db")),
                Instance.of("prod-b", "b.x.us-east-1.rds.amazonaws.com", 3306).withTags(Map.of("env", "prod")),
                Instance.of("dev", "c.x.us-east-1.rds.amazonaws.com", 3306).withTags(Map.of("env", "dev", "team", "db")),
                Instance.of("untagged", "d.x.us-east-1.rds.amazonaws.com", 3306));

        assertEquals(List.of("prod-a", "prod-b"), ids(load(Map.of("regions", List.of("us-east-1"),
                "tag-filter", Map.of("env", "prod")))));
        assertEquals(List.of("prod-a"), ids(load(Map.of("regions", List.of("us-east-1"),
                "tag-filter", Map.of("env", "prod", "team", "db")))));
        assertEquals(List.of("prod-a", "prod-b", "dev", "untagged"), ids(load(Map.of("regions", List.of("us-east-1"),
                "tag-filter", Map.of()))));
    }

    /** The runtime checks the node against the loader's declaration before it calls the loader. */
    @Test
    void everyConfigProblemAtOnceBeforeAnyCall() {
        var values = new LinkedHashMap<String, Object>();
        values.put("region", "us-east-1");
        values.put("regions", List.of("us-east-1", "us-east1", "auto"));
        values.put("tag-filter", List.of("env=prod"));

        var e = assertThrows(OptionsException.class, () -> load(values));

        assertEquals("""
                monitor-loader.aws.region: unknown key; did you mean regions?
                monitor-loader.aws.regions[1]: 'us-east1' is not an AWS region name (like us-east-1) or auto
                monitor-loader.aws.tag-filter: expected a map of values, got a list""",
                e.getMessage());
        assertEquals(0, rds.calls());
    }

    @Test
    void regionsAreRequired() {
        var e = assertThrows(OptionsException.class, () -> load(Map.of("tag-filter", Map.of("env", "prod"))));

        assertEquals("monitor-loader.aws: regions is not set; list AWS regions, e.g. [us-east-1], or [auto] for the "
                + "region Blip runs in", e.getMessage());
    }

    @Test
    void regionsGivenEmptyFailTheLoadBeforeAnyCall() {
        var e = assertThrows(BlipException.class, () -> load(Map.of("regions", List.of())));

        assertEquals("monitor-loader.aws.regions: empty; list AWS regions, e.g. [us-east-1], or [auto] for the "
                + "region Blip runs in", e.getMessage());
        assertEquals(0, rds.calls());
    }

    @Test
    void aTagFilterMayBeWrittenAsKeyValuePairs() {
        rds.add("us-east-1",
                Instance.of("prod", "a.x.us-east-1.rds.amazonaws.com", 3306).withTags(Map.of("env", "prod")),
                Instance.of("dev", "b.x.us-east-1.rds.amazonaws.com", 3306).withTags(Map.of("env", "dev")));

        assertEquals(List.of("prod"), ids(load(Map.of("regions", "us-east-1", "tag-filter", "env=prod"))));
    }

    @Test
    void anyKeyTurnsTheLoaderOnSoThatMistakesAreReported() {
        var loader = new RdsMonitorLoader();
        assertEquals("aws", loader.name());
        assertFalse(loader.enabled(Options.empty(PATH)));
        assertFalse(loader.enabled(options(Map.of(), Map.of("AWS_EC2_METADATA_DISABLED", "true"))),
                "the environment alone turns nothing on");
        assertTrue(loader.enabled(options(Map.of("regions", List.of("auto")), Map.of())));
        var e = assertThrows(OptionsException.class, () -> options(Map.of("region", "us-east-1"), Map.of()));
        assertEquals(List.of("monitor-loader.aws.region: unknown key; did you mean regions?",
                "monitor-loader.aws: regions is not set; list AWS regions, e.g. [us-east-1], or [auto] for the region "
                        + "Blip runs in"), e.problems());
    }

    @Test
    void autoAsksTheRegionChainWithTheImdsSettingsOfTheEnvironment() {
        rds.add("eu-central-1", Instance.of("db1", "db1.x.eu-central-1.rds.amazonaws.com", 3306));
        var options = options(Map.of("regions", List.of("auto")), Map.of(
                "AWS_EC2_METADATA_DISABLED", "true",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1"));

        new RdsMonitorLoader().load(MonitorLoaderContext.of(options, region("eu-central-1"), PluginServices.NONE));

        AwsSettings aws = AwsSettings.of(asked.getFirst());
        assertEquals(new AwsSettings.Imds(true, "http://127.0.0.1:1", "IPv4"), aws.imds());
        assertEquals("auto", aws.region());
        assertEquals(PATH, asked.getFirst().id());
    }

    @Test
    void theModuleProvidesTheLoader() {
        var descriptor = RdsMonitorLoader.class.getModule().getDescriptor();
        assertTrue(descriptor.provides().stream().anyMatch(p -> p.service().equals("io.blip.api.monitor.MonitorLoader")
                && p.providers().contains(RdsMonitorLoader.class.getName())), descriptor.provides().toString());
    }

    private List<MonitorSpec> load(Map<String, ?> values) {
        return load(values, RegionLookup.NONE);
    }

    private List<MonitorSpec> load(Map<String, ?> values, RegionLookup regions) {
        return new RdsMonitorLoader().load(context(values, regions));
    }

    private static MonitorLoaderContext context(Map<String, ?> values, RegionLookup regions) {
        return MonitorLoaderContext.of(options(values, Map.of()), regions, PluginServices.NONE);
    }

    /** The loader's node as the runtime hands it over: checked against the loader's declaration. */
    private static Options options(Map<String, ?> values, Map<String, String> env) {
        return new RdsMonitorLoader().options().read(OptionSet.Input.of(PATH, values).withEnv(env));
    }

    private RegionLookup region(String region) {
        return m -> {
            asked.add(m);
            return Optional.of(region);
        };
    }

    private static MonitorSpec spec(String region, String id, String hostname) {
        var config = new LinkedHashMap<String, Object>();
        config.put("id", id);
        config.put("hostname", hostname);
        config.put("aws", Map.of("region", region));
        return new MonitorSpec(PATH + ": rds " + region + " " + id, config);
    }

    private static List<String> ids(List<MonitorSpec> specs) {
        var ids = new ArrayList<String>();
        specs.forEach(s -> ids.add((String) s.config().get("id")));
        return ids;
    }
}
