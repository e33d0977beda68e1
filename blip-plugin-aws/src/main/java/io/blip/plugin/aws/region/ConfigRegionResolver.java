package io.blip.plugin.aws.region;

import io.blip.api.config.MonitorConfig;
import io.blip.api.region.RegionResolver;
import java.util.Locale;
import java.util.Optional;

/**
 * The region set in config ({@code aws.region}), unless it is {@code auto}. It goes first: an
 * explicit region always wins (in Blip a region found by IMDS earlier overrode it).
 */
public final class ConfigRegionResolver implements RegionResolver {
    /** The {@code aws.region} value that asks for auto-detection. */
    public static final String AUTO = "auto";

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
        String region = monitor.aws().region().trim();
        return isAuto(region) ? Optional.empty() : Optional.of(region);
    }

    /** Whether {@code aws.region} leaves the region to detection: empty or {@code auto}. */
    static boolean isAuto(String region) {
        return region.isBlank() || region.trim().toLowerCase(Locale.ROOT).equals(AUTO);
    }
}
