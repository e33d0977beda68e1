package io.blip.plugin.aws.region;

import io.blip.api.config.AwsConfig;
import io.blip.plugin.aws.TestMonitors;

/** Run in a child JVM by {@link ImdsEnvironmentTest}: prints the region IMDS gives, or nothing. */
public final class ImdsProbe {
    private ImdsProbe() {
    }

    public static void main(String[] args) {
        var monitor = TestMonitors.monitor("db.example.com", new AwsConfig("auto", false, "", false, false));
        System.out.println("region=" + new ImdsRegionResolver().region(monitor).orElse(""));
    }
}
