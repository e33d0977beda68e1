package io.blip.api.sink;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.Options;

import java.util.Map;
import java.util.Objects;

/** What a sink is given: its name, its options and what Blip knows of every domain. */
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

    static SinkContext of(String name, Options options, Map<String, CollectorHelp> domains) {
        return new Of(name, options, domains);
    }

    /** The one implementation. */
    record Of(String name, Options options, Map<String, CollectorHelp> domains) implements SinkContext {
        public Of {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(options, "options");
            domains = Map.copyOf(domains == null ? Map.of() : domains);
        }
    }
}
