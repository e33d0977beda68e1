package io.blip.api.region;

import io.blip.api.config.MonitorConfig;

import java.util.Optional;

/**
 * One step of the cloud region chain. The runtime asks resolvers in ascending {@link #order()} and
 * uses the first region found; none found leaves it to the cloud SDK's own defaults.
 */
public interface RegionResolver {

    /** The resolver name, for debug lines ({@code region us-east-1 from imds}). */
    String name();

    /** Lower goes first. */
    int order();

    /** The monitor's region, or empty if this step cannot tell. Must be bounded in time. */
    Optional<String> region(MonitorConfig monitor) throws Exception;
}
