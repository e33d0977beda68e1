/**
 * The OTLP sink: Blip metrics to any OpenTelemetry collector. Loaded as its own layer from
 * {@code plugins/otlp/}.
 */
module io.blip.sink.otlp {
    requires io.blip.api;
}
