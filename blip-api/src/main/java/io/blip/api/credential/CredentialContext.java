package io.blip.api.credential;

import io.blip.api.config.MonitorConfig;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.api.time.Time;
import java.util.Objects;

/** What a credential source is given: its monitor, the region chain, other plugins' services, the time. */
public sealed interface CredentialContext {
    MonitorConfig monitor();

    /** The monitor's cloud region through the runtime's region chain. */
    RegionLookup regions();

    /** Services other plugins provide (e.g. custom cloud credentials). */
    PluginServices services();

    /** The time to read token and cache lifetimes on (virtual in tests). */
    Time time();

    static CredentialContext of(MonitorConfig monitor, RegionLookup regions, PluginServices services, Time time) {
        return new Of(monitor, regions, services, time);
    }

    /** A context with no region chain and no plugin services: for tests and built-in sources. */
    static CredentialContext of(MonitorConfig monitor) {
        return new Of(monitor, RegionLookup.NONE, PluginServices.NONE, Time.system());
    }

    /** The one implementation. */
    record Of(MonitorConfig monitor, RegionLookup regions, PluginServices services, Time time)
            implements CredentialContext {
        public Of {
            Objects.requireNonNull(monitor, "monitor");
            Objects.requireNonNull(regions, "regions");
            Objects.requireNonNull(services, "services");
            Objects.requireNonNull(time, "time");
        }
    }
}
