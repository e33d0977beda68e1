package io.blip.sink.chronosphere;

import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;

/**
 * The {@code chronosphere} sink: collections pushed to a Chronosphere collector
 * ({@code POST /openmetrics/write}: an OpenMetrics {@code MetricSet}, protobuf, snappy), in Blip's
 * Prometheus-style names. The runtime shares one sink among the monitors whose options are equal, so
 * one request carries the metrics of many monitors.
 */
public final class ChronosphereSinkFactory extends SinkFactory.Base {
    public ChronosphereSinkFactory() {
        super("chronosphere", "Pushes metrics to a Chronosphere collector (OpenMetrics protobuf, snappy)",
                ChronosphereSettings.OPTIONS);
    }

    @Override
    public Sink<Families> make(SinkContext context) {
        return new OpenMetricsSink(ChronosphereSettings.of(context.options()), context.exporterNaming(),
                context.time());
    }
}
