package io.blip.api.sink;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.Options;
import io.blip.api.time.Time;
import java.util.Map;
import java.util.Objects;

/** What a sink is given: its name, its options, what Blip knows of every domain, and the time. */
public sealed interface SinkContext {

    /** The sink's name in config, e.g. {@code log}. */
    String name();

    /**
     * This sink's options ({@code sinks.<name>}), checked against {@link SinkFactory#options()} plus
     * the delivery options every sink has ({@code buffer-size}, {@code send-timeout}, ...).
     */
    Options options();

    /**
     * The help of every domain this Blip knows, by domain name: what a sink needs to know about a
     * metric beyond its value, such as its unit ({@link io.blip.api.collect.MetricHelp#unit()}).
     */
    Map<String, CollectorHelp> domains();

    /**
     * The time Blip runs on ({@link Time#system()}, or a virtual time in tests): what a sink reads
     * the time from, e.g. to turn a receiver's {@code Retry-After} date into a wait.
     */
    Time time();

    static SinkContext of(String name, Options options, Map<String, CollectorHelp> domains, Time time) {
        return new Of(name, options, domains, time);
    }

    /** The one implementation. */
    record Of(String name, Options options, Map<String, CollectorHelp> domains, Time time) implements SinkContext {
        public Of {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(time, "time");
            domains = Map.copyOf(domains == null ? Map.of() : domains);
        }
    }
}
