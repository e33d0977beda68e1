/**
 * The OTLP sink: Blip metrics to any OpenTelemetry collector. Loaded as its own layer from
 * {@code plugins/otlp/}, with the OpenTelemetry SDK's metric data model and the OTLP exporters
 * (okhttp sender, for both http/protobuf and gRPC) beside it. Delivery (buffers, batching,
 * retries) is the runtime's; this plugin encodes and sends.
 */
module io.blip.sink.otlp {
    requires io.blip.api;
    requires java.net.http;
    requires io.opentelemetry.api;
    requires io.opentelemetry.common;
    requires io.opentelemetry.sdk.common;
    requires io.opentelemetry.sdk.metrics;
    requires io.opentelemetry.exporter.otlp;
    // FailedExportException: the HTTP or gRPC status of a failed request, to tell retry from rejection.
    requires io.opentelemetry.exporter.internal;

    provides io.blip.api.sink.SinkFactory with io.blip.sink.otlp.OtlpSinkFactory;
}
