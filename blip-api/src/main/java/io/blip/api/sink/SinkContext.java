package io.blip.api.sink;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.Options;
import io.blip.api.time.Time;
import java.util.Map;
import java.util.Objects;

/**
 * What a sink is given: its name, its options, what Blip knows of every domain, the time, and the
 * metric translators installed.
 */
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

    /**
     * The metric translators installed (plugins providing {@link MetricTranslator}), by name: what a
     * sink's {@code metric-translator} option chooses from ({@link MetricNames#translator}).
     */
    Map<String, MetricTranslator> translators();

    /**
     * mysqld_exporter's names for a collection's values, as Blip's exporter endpoints name them: for
     * sinks that offer them (with an option such as {@code metric-names: exporter}).
     */
    ExporterNaming exporterNaming();

    /** A context without translators, whose {@link #exporterNaming()} names nothing: for a sink's tests. */
    static SinkContext of(String name, Options options, Map<String, CollectorHelp> domains, Time time) {
        return new Of(name, options, domains, time, Map.of(), ExporterNaming.NONE);
    }

    static SinkContext of(String name, Options options, Map<String, CollectorHelp> domains, Time time,
                          Map<String, MetricTranslator> translators, ExporterNaming exporterNaming) {
        return new Of(name, options, domains, time, translators, exporterNaming);
    }

    /** The one implementation. */
    record Of(String name, Options options, Map<String, CollectorHelp> domains, Time time,
              Map<String, MetricTranslator> translators, ExporterNaming exporterNaming) implements SinkContext {
        public Of {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(exporterNaming, "exporterNaming");
            domains = Map.copyOf(domains == null ? Map.of() : domains);
            translators = Map.copyOf(translators == null ? Map.of() : translators);
        }
    }
}
