package io.blip.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One metric value collected from one domain.
 *
 * @param name  the metric name, lowercase (e.g. {@code queries})
 * @param value the value
 * @param type  how the value behaves over time
 * @param group identifying labels (e.g. {@code db}, {@code tbl}); part of the series identity
 * @param meta  non-identifying annotations; not part of the series identity
 * @param time  when the value was measured, when the source says (e.g. a cloud monitoring service's own timestamp);
 *              null for the collection's time ({@link Metrics#begin()})
 */
public record MetricValue(String name, double value, MetricType type, Map<String, String> group,
                          Map<String, String> meta, Instant time) {

    public MetricValue {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        group = group == null ? Map.of() : Map.copyOf(group);
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }

    /** A value measured at the collection's time. */
    public MetricValue(String name, double value, MetricType type, Map<String, String> group,
                       Map<String, String> meta) {
        this(name, value, type, group, meta, null);
    }

    public static MetricValue gauge(String name, double value) {
        return new MetricValue(name, value, MetricType.GAUGE, Map.of(), Map.of());
    }

    public static MetricValue counter(String name, double value) {
        return new MetricValue(name, value, MetricType.CUMULATIVE_COUNTER, Map.of(), Map.of());
    }

    public static MetricValue bool(String name, boolean value) {
        return new MetricValue(name, value ? 1 : 0, MetricType.BOOL, Map.of(), Map.of());
    }

    public MetricValue withGroup(Map<String, String> newGroup) {
        return new MetricValue(name, value, type, newGroup, meta, time);
    }

    public MetricValue withMeta(Map<String, String> newMeta) {
        return new MetricValue(name, value, type, group, newMeta, time);
    }

    public MetricValue withValue(double newValue) {
        return new MetricValue(name, newValue, type, group, meta, time);
    }

    /** The same value, measured at {@code measured}. */
    public MetricValue withTime(Instant measured) {
        return new MetricValue(name, value, type, group, meta, measured);
    }

    /** When the value was measured: its own time, else {@code collected}. */
    public Instant timeOr(Instant collected) {
        return time == null ? collected : time;
    }
}
