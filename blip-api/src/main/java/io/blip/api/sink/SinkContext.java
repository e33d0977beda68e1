package io.blip.api.sink;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;

import java.util.Map;
import java.util.Objects;

/** What a sink is given: its monitor, its options and the monitor's tags. */
public sealed interface SinkContext {

    String monitorId();

    /** This sink's options ({@code sinks.<name>}), with the config path for messages. */
    Options options();

    /** The monitor's final config; {@link MonitorConfig#tags()} are the tags to send. */
    MonitorConfig monitor();

    /**
     * The help of every domain this Blip knows, by domain name: what a sink needs to know about a
     * metric beyond its value, such as its unit ({@link io.blip.api.collect.MetricHelp#unit()}).
     */
    Map<String, CollectorHelp> domains();

    static SinkContext of(MonitorConfig monitor, Options options) {
        return new Of(monitor, options, Map.of());
    }

    static SinkContext of(MonitorConfig monitor, Options options, Map<String, CollectorHelp> domains) {
        return new Of(monitor, options, domains);
    }

    /** The one implementation. */
    record Of(MonitorConfig monitor, Options options, Map<String, CollectorHelp> domains) implements SinkContext {
        public Of {
            Objects.requireNonNull(monitor, "monitor");
            Objects.requireNonNull(options, "options");
            domains = Map.copyOf(domains == null ? Map.of() : domains);
        }

        @Override
        public String monitorId() {
            return monitor.id();
        }
    }
}
