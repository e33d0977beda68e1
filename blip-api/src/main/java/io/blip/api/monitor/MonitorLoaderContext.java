package io.blip.api.monitor;

import io.blip.api.config.Options;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import java.util.Objects;

/** What a monitor loader is given: its {@code monitor-loader.<name>} node, the region chain, other plugins' services. */
public sealed interface MonitorLoaderContext {
    /** The loader's config node, with its path for messages. */
    Options options();

    RegionLookup regions();

    PluginServices services();

    static MonitorLoaderContext of(Options options, RegionLookup regions, PluginServices services) {
        return new Of(options, regions, services);
    }

    /** The one implementation. */
    record Of(Options options, RegionLookup regions, PluginServices services) implements MonitorLoaderContext {
        public Of {
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(regions, "regions");
            Objects.requireNonNull(services, "services");
        }
    }
}
