package io.blip.plugin.aws.region;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.testkit.aws.FakeImds;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The environment variables a user sets, which a running JVM cannot set for itself: each case runs
 * {@link ImdsProbe} in a child JVM with that environment, which the probe reads the monitor's
 * {@code aws} section with, as the runtime does.
 */
class ImdsEnvironmentTest {

    private static String probe(Map<String, String> env) throws IOException, InterruptedException {
        String classPath = String.join(File.pathSeparator, Stream.of(
                        Path.of("target", "test-classes").toAbsolutePath().toString(),
                        System.getProperty("jdk.module.path", ""),
                        System.getProperty("java.class.path", ""))
                .filter(s -> !s.isEmpty()).toList());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, ImdsProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_EC2_METADATA") || k.startsWith("AWS_METADATA"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe did not end: " + out);
        }
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
