package io.blip.plugin.aws.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.AwsSection;
import io.blip.plugin.aws.ChildJvm;
import io.blip.plugin.aws.TestMonitors;
import io.blip.plugin.aws.TestMonitors.Environment;
import io.blip.plugin.aws.TestMonitors.SystemProperties;
import io.blip.plugin.aws.iam.IamAuthSourceFactory;
import io.blip.plugin.aws.region.ImdsEndpoints.Ask;
import io.blip.plugin.aws.region.ImdsEndpoints.BacklogFull;
import io.blip.plugin.aws.region.ImdsEndpoints.Counting;
import io.blip.api.time.Time;
import io.blip.testkit.Reliability;
import io.blip.testkit.aws.FakeImds;
import io.blip.testkit.aws.FakeImds.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability row R11: IMDS unreachable (off EC2) with {@code region: auto}. After warm-up the ask
 * fails within 200 ms against a refused port, an IMDS that accepts and never answers, and a port
 * whose backlog is full (SYNs dropped); a fresh JVM's first ask within 1.5 s; the failure is asked
 * once, and a monitor that needs a region says to set {@code aws.region}.
 * {@code AWS_EC2_METADATA_DISABLED=true} makes no connection at all, and
 * {@code AWS_EC2_METADATA_SERVICE_ENDPOINT} is where IMDS is asked (both read from the environment
 * of a child JVM, as a user sets them).
 */
class R11ImdsUnreachableTest {
    private static final long WARM_BUDGET_MS = 200;
    private static final long COLD_BUDGET_MS = 1_500;
    private static final Map<String, String> figures = new TreeMap<>();

    @BeforeAll
    static void warmUp() {
        ImdsEndpoints.warmUp();
    }

    @AfterAll
    static void record() {
        Reliability.figure("R11", R11ImdsUnreachableTest.class, "IMDS unreachable, region auto: "
                + String.join("; ", figures.values()) + ".");
    }

    private static void warm(String name, String endpoint) {
        Ask ask = ImdsEndpoints.ask(endpoint);
        assertEquals(Optional.empty(), ask.region());
        assertTrue(ask.millis() < WARM_BUDGET_MS, name + ": " + ask.millis() + " ms");
        assertTrue(ask.cachedMicros() < 50_000, "asked once: the second ask took " + ask.cachedMicros() + " us");
        figures.put("1 " + name, name + " " + ask.millis() + " ms warm (then " + ask.cachedMicros()
                + " us from the cache)");
    }

    @Test
    void refusedFailsWithinTheBudget() {
        warm("refused", ImdsEndpoints.refused());
    }

    @Test
    void stalledFailsWithinTheBudget() {
        try (FakeImds imds = FakeImds.start(Mode.STALL, "eu-west-1")) {
            warm("stalled (accepts, never answers)", imds.endpoint());
            assertEquals(1, imds.requests(), "the token PUT, no retry");
        }
    }

    @Test
    void backlogFullFailsWithinTheBudget() throws Exception {
        try (BacklogFull port = new BacklogFull()) {
            Assumptions.assumeTrue(port.full(), "this kernel accepted every connect into a backlog of 1");
            warm("backlog full (SYN dropped)", port.endpoint());
        }
    }

    private static String child(Map<String, String> env, String key) throws Exception {
        String out = ChildJvm.run(ImdsProbe.class,
                k -> k.startsWith("AWS_EC2_METADATA") || k.startsWith("AWS_METADATA"), env);
        return out.lines().filter(l -> l.startsWith(key + "=")).findFirst().map(l -> l.substring(key.length() + 1))
                .orElseThrow(() -> new AssertionError("no " + key + " from the probe: " + out));
    }

    @Test
    void aFreshJvmsFirstAskFailsWithinTheColdBudget() throws Exception {
        try (FakeImds stalled = FakeImds.start(Mode.STALL, "eu-west-1")) {
            for (var c : Map.of("refused", ImdsEndpoints.refused(), "stalled", stalled.endpoint()).entrySet()) {
                Map<String, String> env = Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", c.getValue());
                long took = Long.parseLong(child(env, "took-ms"));
                assertEquals("", child(env, "region"));
                assertTrue(took < COLD_BUDGET_MS, c.getKey() + " cold: " + took + " ms");
                figures.put("2 cold " + c.getKey(), c.getKey() + " " + took + " ms cold (first ask of a fresh JVM)");
            }
        }
    }

    @Test
    void awsEc2MetadataDisabledMakesNoConnection() throws Exception {
        try (Counting port = new Counting()) {
            assertEquals("", child(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", port.endpoint(),
                    "AWS_EC2_METADATA_DISABLED", "true"), "region"));
            assertEquals(0, port.accepted(), "connections accepted");
            figures.put("3 disabled", "AWS_EC2_METADATA_DISABLED=true: " + port.accepted() + " connections accepted");
        }
    }

    @Test
    void awsEc2MetadataServiceEndpointIsWhereImdsIsAsked() throws Exception {
        try (FakeImds imds = FakeImds.start("eu-north-1")) {
            assertEquals("eu-north-1", child(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()), "region"));
            assertEquals(1, imds.tokenRequests());
            assertEquals(1, imds.documentRequests());
            figures.put("4 endpoint", "AWS_EC2_METADATA_SERVICE_ENDPOINT honoured (the fake there answered the "
                    + "token PUT and the document GET)");
        }
    }

    @Test
    void aMonitorThatNeedsARegionSaysToSetAwsRegion(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null,
                "AWS_REGION is set in this environment");
        try (SystemProperties properties = new SystemProperties()) {
            properties.set("aws.region", null)
                    .set("aws.configFile", dir.resolve("config").toString())
                    .set("aws.sharedCredentialsFile", dir.resolve("credentials").toString());
            var env = new Environment().set(ImdsEndpoints.ENDPOINT, ImdsEndpoints.refused())
                    .set(ImdsEndpoints.DISABLED, null);
            MonitorConfig m = TestMonitors.monitor("db.example.com", env.aws(Map.of(AwsSection.IAM_AUTH, "true",
                    AwsSection.REGION, "auto")));
            ImdsRegionResolver imds = new ImdsRegionResolver();
            RegionLookup chain = monitor -> imds.region(monitor).or(() -> new EndpointRegionResolver().region(monitor));
            CredentialSource source = new IamAuthSourceFactory().make(CredentialContext.of(m, chain,
                    PluginServices.NONE, Time.system()));
            long start = System.nanoTime();
            BlipException e = assertThrows(BlipException.class, () -> source.credentials(CredentialReason.CONNECT));
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals("aws.iam-auth: no AWS region for monitor db1: set aws.region (or AWS_REGION); neither EC2 "
                    + "instance metadata nor the hostname db.example.com gave one", e.getMessage());
            assertTrue(took < WARM_BUDGET_MS, took + " ms");
            figures.put("5 message", "a monitor with aws.iam-auth fails its connect in " + took + " ms with \""
                    + e.getMessage() + "\"");
        }
    }
}
