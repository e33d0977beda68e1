package io.blip.api.collect;

import io.blip.api.MetricType;

import java.util.Objects;

/**
 * A metric a domain declares.
 *
 * @param name        the metric name
 * @param type        its type
 * @param unit        its unit in UCUM as OpenTelemetry writes it ({@code By}, {@code us}, {@code ms},
 *                    {@code s}, {@code 1}); empty when unknown or a plain count
 * @param description what it measures
 */
public record MetricHelp(String name, MetricType type, String unit, String description) {
    public MetricHelp {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        unit = unit == null ? "" : unit;
        description = description == null ? "" : description;
    }
}
