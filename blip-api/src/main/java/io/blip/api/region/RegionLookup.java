package io.blip.api.region;

import io.blip.api.config.MonitorConfig;
import java.util.Optional;

/**
 * The runtime's region chain, as plugins see it: every {@link RegionResolver} in ascending order,
 * the first region found winning. Results are cached per monitor; the first call may take as long
 * as the slowest resolver (IMDS is bounded to about 200 ms off EC2).
 */
public interface RegionLookup {
    /** A lookup that never finds a region: the cloud SDK's own defaults decide. */
    RegionLookup NONE = monitor -> Optional.empty();

    /** The monitor's cloud region, or empty to leave it to the cloud SDK's own defaults. */
    Optional<String> region(MonitorConfig monitor);
}
