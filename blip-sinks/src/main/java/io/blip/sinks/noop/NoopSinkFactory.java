package io.blip.sinks.noop;

import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;
import java.util.List;

/** The {@code noop} sink: discards every collection (for testing collection alone). */
public final class NoopSinkFactory extends SinkFactory.Base {
    public NoopSinkFactory() {
        super("noop", "Discards metrics", OptionSet.EMPTY);
    }

    /** Every collection is taken, and nothing is sent. */
    @Override
    public Sink<Metrics> make(SinkContext context) {
        return new Sink<>() {
            @Override
            public Encoder<Metrics> encoder(MonitorConfig monitor) {
                return metrics -> new Encoder.Encoded<>(metrics, Math.max(1, metrics.size()), 0);
            }

            @Override
            public void send(List<Metrics> batch) {
                // Discarded.
            }
        };
    }
}
