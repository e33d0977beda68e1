package io.blip.sinks.noop;

import io.blip.api.config.OptionSet;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;

/** The {@code noop} sink: discards every collection (for testing collection alone). */
public final class NoopSinkFactory implements SinkFactory {
    @Override
    public String name() {
        return "noop";
    }

    @Override
    public String description() {
        return "Discards metrics";
    }

    @Override
    public OptionSet options() {
        return OptionSet.EMPTY;
    }

    @Override
    public Sink make(SinkContext context) {
        return metrics -> {
        };
    }
}
