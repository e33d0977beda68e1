package io.blip.sinks.noop;

import io.blip.api.collect.OptionHelp;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;
import java.util.Map;

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
    public Map<String, OptionHelp> options() {
        return Map.of();
    }

    @Override
    public Sink make(SinkContext context) {
        return metrics -> {
        };
    }
}
