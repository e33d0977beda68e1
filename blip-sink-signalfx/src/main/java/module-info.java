/**
 * The signalfx sink: Blip metrics to Splunk Observability (SignalFx) through its datapoint API. Loaded
 * as its own layer from {@code plugins/signalfx/}; it needs only the JDK (HTTP client). Delivery
 * (buffers, batching, retries) is the runtime's; this plugin encodes and sends.
 */
module io.blip.sink.signalfx {
    requires io.blip.api;
    requires java.net.http;
    requires org.slf4j;

    provides io.blip.api.sink.SinkFactory with io.blip.sink.signalfx.SignalFxSinkFactory;
}
