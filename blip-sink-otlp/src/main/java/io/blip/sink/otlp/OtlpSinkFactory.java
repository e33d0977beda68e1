package io.blip.sink.otlp;

import io.blip.api.BlipException;
import io.blip.api.config.OptionSet;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.List;

/**
 * The {@code otlp} sink: metrics to an OpenTelemetry collector over OTLP (gRPC or http/protobuf).
 * The runtime shares one sink, and so one exporter, among the monitors whose options are equal, so
 * the collections of many monitors go out in few requests.
 */
public final class OtlpSinkFactory extends SinkFactory.Base {
    public OtlpSinkFactory() {
        super("otlp", "Sends metrics to an OpenTelemetry collector over OTLP (gRPC or http/protobuf)",
                OtlpSettings.OPTIONS);
    }

    @Override
    public Sink<List<MetricData>> make(SinkContext context) {
        OtlpSettings settings = OtlpSettings.of(context.options());
        try {
            return new OtlpSink(settings, context.domains(), OtlpExporter.build(settings), context.time());
        } catch (RuntimeException e) {
            throw new BlipException(context.options().path() + ": cannot make the OTLP exporter for "
                    + settings.describe() + ": " + e.getMessage(), e);
        }
    }
}
