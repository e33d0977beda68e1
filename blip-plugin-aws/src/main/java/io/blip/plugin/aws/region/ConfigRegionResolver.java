package io.blip.plugin.aws.region;

import io.blip.api.config.MonitorConfig;
import io.blip.api.region.RegionResolver;
import io.blip.plugin.aws.AwsSettings;
import java.util.Optional;

/**
 * The region set in config ({@code aws.region}), unless it is {@code auto}. It goes first: an
 * explicit region always wins (in Blip a region found by IMDS earlier overrode it).
 */
public final class ConfigRegionResolver implements RegionResolver {
    @Override
    public String name() {
        return "config";
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public Optional<String> region(MonitorConfig monitor) {
        AwsSettings aws = AwsSettings.of(monitor);
        return aws.autoRegion() ? Optional.empty() : Optional.of(aws.region().trim());
    }
}
