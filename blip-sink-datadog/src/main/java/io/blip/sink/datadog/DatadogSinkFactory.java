package io.blip.sink.datadog;

import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;

import java.util.List;

/**
 * The {@code datadog} sink: Blip metrics to Datadog, through its API ({@code POST /api/v2/series}) or
 * a Datadog Agent's DogStatsD ({@code dogstatsd-host}), never both. The runtime shares one sink among
 * the monitors whose options are equal, so one request carries the series of many monitors.
 */
public final class DatadogSinkFactory extends SinkFactory.Base {
    public DatadogSinkFactory() {
        super("datadog", "Sends metrics to Datadog: its API (v2 series) or a Datadog Agent's DogStatsD",
                DatadogSettings.OPTIONS);
    }

    @Override
    public Sink<List<String>> make(SinkContext context) {
        DatadogSettings settings = DatadogSettings.of(context.options(), context.translators());
        return settings.api() ? new ApiSink(settings, context.time()) : new StatsdSink(settings);
    }
}
