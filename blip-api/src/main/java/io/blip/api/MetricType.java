package io.blip.api;

/** How a metric value behaves over time; the same five types as Blip. */
public enum MetricType {
    /** A counter that only grows until the server restarts (most status variables). */
    CUMULATIVE_COUNTER,
    /** The change of a counter since the previous collection. */
    DELTA_COUNTER,
    /** A value that goes up and down (threads running, sizes). */
    GAUGE,
    /** 1 or 0. */
    BOOL,
    /** Reserved for events; counts something that happened. */
    EVENT;

    /** The name Blip prints, e.g. {@code cumulative-counter}. */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
