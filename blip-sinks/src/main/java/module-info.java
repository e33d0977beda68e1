/**
 * The sinks built into Blip: {@code log}, the default, and {@code noop}. They are found like a
 * plugin's sinks, through {@link io.blip.api.sink.SinkFactory}, but ship in the boot layer
 * ({@code lib/}).
 */
module io.blip.sinks {
    requires io.blip.api;

    provides io.blip.api.sink.SinkFactory with
            io.blip.sinks.log.LogSinkFactory,
            io.blip.sinks.noop.NoopSinkFactory;
}
