/**
 * The datadog sink: Blip metrics to Datadog, through its API (v2 series) or a Datadog Agent's
 * DogStatsD. Loaded as its own layer from {@code plugins/datadog/}; it needs only the JDK (HTTP
 * client, gzip, UDP). Delivery (buffers, batching, retries) is the runtime's; this plugin encodes and
 * sends.
 */
module io.blip.sink.datadog {
    requires io.blip.api;
    requires java.net.http;
    requires org.slf4j;

    provides io.blip.api.sink.SinkFactory with io.blip.sink.datadog.DatadogSinkFactory;
}
