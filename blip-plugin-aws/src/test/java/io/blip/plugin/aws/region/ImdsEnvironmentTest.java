package io.blip.plugin.aws.region;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.plugin.aws.ChildJvm;
import io.blip.testkit.aws.FakeImds;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The environment variables a user sets, which a running JVM cannot set for itself: each case runs
 * {@link ImdsProbe} in a child JVM with that environment, which the probe reads the monitor's
 * {@code aws} section with, as the runtime does.
 */
class ImdsEnvironmentTest {

    private static String probe(Map<String, String> env) throws IOException, InterruptedException {
        String out = ChildJvm.run(ImdsProbe.class,
                k -> k.startsWith("AWS_EC2_METADATA") || k.startsWith("AWS_METADATA"), env);
        return out.lines().filter(l -> l.startsWith("region=")).findFirst()
                .orElseThrow(() -> new AssertionError("no answer from the probe: " + out));
    }

    @Test
    void awsEc2MetadataServiceEndpointPointsAtImds() throws Exception {
        try (FakeImds imds = FakeImds.start("eu-north-1")) {
            assertEquals("region=eu-north-1", probe(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint())));
            assertEquals(2, imds.requests());
        }
    }

    @Test
    void awsEc2MetadataDisabledMeansNoRequest() throws Exception {
        try (FakeImds imds = FakeImds.start("eu-north-1")) {
            assertEquals("region=", probe(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint(),
                    "AWS_EC2_METADATA_DISABLED", "true")));
            assertEquals(0, imds.requests());
        }
    }
}
