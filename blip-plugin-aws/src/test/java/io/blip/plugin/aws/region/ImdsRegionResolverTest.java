package io.blip.plugin.aws.region;

import static io.blip.plugin.aws.TestMonitors.monitor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.config.MonitorConfig;
import io.blip.plugin.aws.TestMonitors.Environment;
import io.blip.testkit.aws.FakeImds;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IMDS against a real HTTP server on loopback. The resolver is pointed at it the way a user points
 * the AWS SDK: {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}, here through its system property
 * {@code aws.ec2MetadataServiceEndpoint} as the runtime hands it to the monitor's {@code aws}
 * section. Each test makes a new resolver: one resolver asks IMDS once for the life of the JVM. IMDS
 * unreachable is reliability row R11 ({@link R11ImdsUnreachableTest}), the hop-limit case R12.
 */
class ImdsRegionResolverTest {
    private static final String ENDPOINT = "aws.ec2MetadataServiceEndpoint";
    private static final String DISABLED = "aws.disableEc2Metadata";

    /** The system properties the runtime reads the monitors' {@code aws} sections with. */
    private final Environment properties = new Environment();

    private MonitorConfig auto() {
        return monitor("mydb.abcdefghijkl.eu-west-1.rds.amazonaws.com", properties.region("auto"));
    }

    private MonitorConfig unset() {
        return monitor("other.abcdefghijkl.eu-west-1.rds.amazonaws.com", properties.region(""));
    }

    @BeforeAll
    static void warmUp() {
        // Loads the HTTP and JSON classes once, as a long-running Blip has: the bounds below are about
        // network waiting, not about a cold JVM.
        try (FakeImds imds = FakeImds.start("us-east-1")) {
            var p = new Environment().set(ENDPOINT, imds.endpoint()).set(DISABLED, null);
            new ImdsRegionResolver().region(monitor("warm-up", p.region("auto")));
        }
    }

    @Test
    void findsTheRegionWithAnImdsV2TokenAndAsksOnce() {
        try (FakeImds imds = FakeImds.start("ap-south-1")) {
            properties.set(ENDPOINT, imds.endpoint()).set(DISABLED, null);
            ImdsRegionResolver resolver = new ImdsRegionResolver();

            assertEquals(Optional.of("ap-south-1"), resolver.region(auto()));
            assertEquals(1, imds.tokenRequests());
            assertEquals(1, imds.documentRequests());

            assertEquals(Optional.of("ap-south-1"), resolver.region(unset()), "an unset region is auto too");
            assertEquals(2, imds.requests(), "the second ask is answered from the cache");
        }
    }

    @Test
    void awsEc2MetadataDisabledMeansNoRequest() {
        try (FakeImds imds = FakeImds.start("ap-south-1")) {
            properties.set(ENDPOINT, imds.endpoint()).set(DISABLED, "true");
            assertEquals(Optional.empty(), new ImdsRegionResolver().region(auto()));
            assertEquals(0, imds.requests());
        }
    }

    @Test
    void anExplicitRegionOrDisableAutoRegionMeansNoRequest() {
        try (FakeImds imds = FakeImds.start("ap-south-1")) {
            properties.set(ENDPOINT, imds.endpoint()).set(DISABLED, null);
            ImdsRegionResolver resolver = new ImdsRegionResolver();
            assertEquals(Optional.empty(), resolver.region(monitor("h", properties.region("us-west-2"))));
            assertEquals(Optional.empty(), resolver.region(monitor("h", properties.aws(Map.of("region", "auto",
                    "disable-auto-region", "true")))));
            assertEquals(Optional.empty(), resolver.region(monitor("h", properties.aws(Map.of(
                    "disable-auto-region", "true")))));
            assertEquals(0, imds.requests());
            assertEquals(Optional.of("ap-south-1"), resolver.region(monitor("h", properties.region("AUTO"))));
        }
    }

    @Test
    void anEndpointThatIsNotAnHttpUrlIsIgnored() {
        properties.set(ENDPOINT, "169.254.169.254").set(DISABLED, null);
        assertEquals(Optional.empty(), new ImdsRegionResolver().region(auto()));
        properties.set(ENDPOINT, "ftp://127.0.0.1:1");
        assertEquals(Optional.empty(), new ImdsRegionResolver().region(auto()));
    }

    @Test
    void nameAndOrder() {
        ImdsRegionResolver resolver = new ImdsRegionResolver();
        assertEquals("imds", resolver.name());
        assertEquals(200, resolver.order());
    }

}
