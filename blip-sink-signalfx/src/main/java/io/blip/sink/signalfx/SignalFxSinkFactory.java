package io.blip.sink.signalfx;

import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;

/**
 * The {@code signalfx} sink: Blip metrics to SignalFx ({@code POST /v2/datapoint}). The runtime shares
 * one sink among the monitors whose options are equal, so one request carries the datapoints of many
 * monitors.
 */
public final class SignalFxSinkFactory extends SinkFactory.Base {
    public SignalFxSinkFactory() {
        super("signalfx", "Sends metrics to SignalFx (Splunk Observability): its datapoint API",
                SignalFxSettings.OPTIONS);
    }

    @Override
    public Sink<Datapoints> make(SinkContext context) {
        return new DatapointSink(SignalFxSettings.of(context.options(), context.translators()), context.time());
    }
}
