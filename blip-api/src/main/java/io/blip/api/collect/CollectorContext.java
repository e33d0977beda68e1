package io.blip.api.collect;

import io.blip.api.config.MonitorConfig;

import javax.sql.DataSource;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.api.time.Time;
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

    /** The time to read and to wait on (virtual in tests). */
    Time time();

    /** The monitor's cloud region through the runtime's region chain (for domains that call a cloud's API). */
    RegionLookup regions();

    /** Services other plugins provide (e.g. custom cloud credentials). */
    PluginServices services();

    static CollectorContext of(MonitorConfig monitor, DataSource db, Time time) {
        return new Of(monitor, db, time, RegionLookup.NONE, PluginServices.NONE);
    }

    static CollectorContext of(MonitorConfig monitor, DataSource db, Time time, RegionLookup regions,
                               PluginServices services) {
        return new Of(monitor, db, time, regions, services);
    }

    /** The one implementation. */
    record Of(MonitorConfig monitor, DataSource db, Time time, RegionLookup regions, PluginServices services)
            implements CollectorContext {
        public Of {
            Objects.requireNonNull(monitor, "monitor");
            Objects.requireNonNull(db, "db");
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(regions, "regions");
            Objects.requireNonNull(services, "services");
        }

        @Override
        public String monitorId() {
            return monitor.id();
        }
    }
}
