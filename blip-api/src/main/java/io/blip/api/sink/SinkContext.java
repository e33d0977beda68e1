package io.blip.api.sink;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;

import java.util.Objects;

/** What a sink is given: its monitor, its options and the monitor's tags. */
public sealed interface SinkContext {

    String monitorId();

    /** This sink's options ({@code sinks.<name>}), with the config path for messages. */
    Options options();

    /** The monitor's final config; {@link MonitorConfig#tags()} are the tags to send. */
    MonitorConfig monitor();

    static SinkContext of(MonitorConfig monitor, Options options) {
        return new Of(monitor, options);
    }

    /** The one implementation. */
    record Of(MonitorConfig monitor, Options options) implements SinkContext {
        public Of {
            Objects.requireNonNull(monitor, "monitor");
            Objects.requireNonNull(options, "options");
        }

        @Override
        public String monitorId() {
            return monitor.id();
        }
    }
}
