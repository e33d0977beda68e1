package io.blip.api.collect;

import io.blip.api.MetricValue;
import io.blip.api.plan.Plan;

import java.util.List;

/**
 * Collects one domain for one monitor.
 *
 * <p>{@link #prepare} is called once per plan (and again when the plan changes), before any
 * {@link #collect}; it does every check and builds every query, so that {@code collect} only reads
 * MySQL. It may query MySQL once to learn what the server supports (version, tables); a mistake in
 * the plan's options must be reported before any query, so that it shows even when MySQL is down.
 * The runtime calls {@link #close} when the monitor stops: a collector that runs something in the
 * background (e.g. a heartbeat reader) stops it there. {@code collect} may run for different levels at the same time, so it must not change
 * state that another call reads without guarding it.
 *
 * <p>Errors: throw. A {@link java.sql.SQLException} whose error code the collector declared in
 * {@link CollectorHelp#errors()} is handled by the plan's error policy for that error; any other
 * exception is reported and the level goes on with the other domains.
 */
public interface Collector extends AutoCloseable {

    /** Prepares for the given plan; the plan has been validated against {@link CollectorHelp}. */
    void prepare(Plan plan) throws Exception;

    /** Collects the metrics that the given level of the prepared plan asks for. */
    List<MetricValue> collect(String level) throws Exception;

    /** Releases what {@link #prepare} built. Default: nothing. */
    @Override
    default void close() {
    }
}
