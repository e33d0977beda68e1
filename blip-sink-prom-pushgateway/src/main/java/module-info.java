/**
 * The prom-pushgateway sink: Blip metrics pushed to a Prometheus Pushgateway (or what speaks its API,
 * such as Vector) in the text format, named by Blip's Prometheus translators. Loaded as its own layer
 * from {@code plugins/prom-pushgateway/}; it needs only the JDK (HTTP client). Delivery (buffers,
 * batching, retries) is the runtime's; this plugin encodes and sends.
 */
module io.blip.sink.pushgateway {
    requires io.blip.api;
    requires java.net.http;
    requires org.slf4j;

    provides io.blip.api.sink.SinkFactory with io.blip.sink.pushgateway.PushgatewaySinkFactory;
}
