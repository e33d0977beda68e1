package io.blip.plugin.aws.region;

import io.blip.api.config.OptionSet;
import io.blip.plugin.aws.AwsSection;
import io.blip.plugin.aws.TestMonitors;
import java.util.Map;

/**
 * Run in a child JVM by {@link R11ImdsUnreachableTest}: prints the region IMDS gives, or nothing, and how
 * long the first ask took. It
 * reads the {@code aws} section from its own environment, as the runtime does.
 */
public final class ImdsProbe {
    private ImdsProbe() {
    }

    public static void main(String[] args) {
        var aws = AwsSection.OPTIONS.read(OptionSet.Input.of("aws", Map.of(AwsSection.REGION, AwsSection.AUTO))
                .withEnv(System.getenv()));
        var monitor = TestMonitors.monitor("db.example.com", aws);
        long start = System.nanoTime();
        String region = new ImdsRegionResolver().region(monitor).orElse("");
        long took = java.time.Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.println("region=" + region);
        // The first ask of a fresh JVM: its classes loaded then, as at Blip's boot (R11's cold budget).
        System.out.println("took-ms=" + took);
    }
}
