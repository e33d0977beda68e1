package io.blip.api.collect;

import io.blip.api.MetricType;

import java.util.Objects;

/**
 * A metric a domain declares.
 *
 * @param name        the metric name
 * @param type        its type
 * @param description what it measures, with its unit
 */
public record MetricHelp(String name, MetricType type, String description) {
    public MetricHelp {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
    }
}
