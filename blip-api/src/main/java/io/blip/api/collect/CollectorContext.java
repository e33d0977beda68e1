package io.blip.api.collect;

import io.blip.api.config.MonitorConfig;

import javax.sql.DataSource;
import java.time.Clock;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import java.util.Objects;

/**
 * What a collector is given: its monitor and a connection pool to that monitor's MySQL. Connections
 * from {@link #db()} are shared with the monitor's other collectors (at most 3 in all): close them
 * as soon as the query is read, with try-with-resources.
 */
public sealed interface CollectorContext {

    /** The monitor id, for messages. */
    String monitorId();

    /** The monitor's final config (defaults applied, interpolated). */
    MonitorConfig monitor();

    /** Pooled connections to the monitor's MySQL. */
    DataSource db();

    /** The clock to read time from. */
    Clock clock();

    /** The monitor's cloud region through the runtime's region chain (for domains that call a cloud's API). */
    RegionLookup regions();

    /** Services other plugins provide (e.g. custom cloud credentials). */
    PluginServices services();

    static CollectorContext of(MonitorConfig monitor, DataSource db, Clock clock) {
        return new Of(monitor, db, clock, RegionLookup.NONE, PluginServices.NONE);
    }

    static CollectorContext of(MonitorConfig monitor, DataSource db, Clock clock, RegionLookup regions,
                               PluginServices services) {
        return new Of(monitor, db, clock, regions, services);
    }

    /** The one implementation. */
    record Of(MonitorConfig monitor, DataSource db, Clock clock, RegionLookup regions, PluginServices services)
            implements CollectorContext {
        public Of {
            Objects.requireNonNull(monitor, "monitor");
            Objects.requireNonNull(db, "db");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(regions, "regions");
            Objects.requireNonNull(services, "services");
        }

        @Override
        public String monitorId() {
            return monitor.id();
        }
    }
}
