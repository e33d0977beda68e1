package io.blip.plugin.aws.region;

import io.blip.api.config.OptionSet;
import io.blip.plugin.aws.AwsSection;
import io.blip.plugin.aws.TestMonitors;
import java.util.Map;

/**
 * Run in a child JVM by {@link ImdsEnvironmentTest}: prints the region IMDS gives, or nothing. It
 * reads the {@code aws} section from its own environment, as the runtime does.
 */
public final class ImdsProbe {
    private ImdsProbe() {
    }

    public static void main(String[] args) {
        var aws = AwsSection.OPTIONS.read(OptionSet.Input.of("aws", Map.of(AwsSection.REGION, AwsSection.AUTO))
                .withEnv(System.getenv()));
        var monitor = TestMonitors.monitor("db.example.com", aws);
        System.out.println("region=" + new ImdsRegionResolver().region(monitor).orElse(""));
    }
}
