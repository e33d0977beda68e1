package io.blip.sink.pushgateway;

import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;

/**
 * The {@code prom-pushgateway} sink: each collection pushed ({@code POST}, Blip's
 * {@code pusher.Add()}) to a Prometheus Pushgateway as job {@code blip}, in the text format.
 */
public final class PushgatewaySinkFactory extends SinkFactory.Base {
    public PushgatewaySinkFactory() {
        super("prom-pushgateway", "Pushes metrics to a Prometheus Pushgateway (job blip, text format, POST)",
                PushgatewaySettings.OPTIONS);
    }

    @Override
    public Sink<Push> make(SinkContext context) {
        return new PushSink(PushgatewaySettings.of(context.options()), context.exporterNaming(), context.time());
    }
}
