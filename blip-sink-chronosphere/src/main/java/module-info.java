/**
 * The chronosphere sink: Blip metrics pushed to a Chronosphere collector as Blip pushes them, an
 * OpenMetrics {@code MetricSet} in protobuf, snappy-compressed. Loaded as its own layer from
 * {@code plugins/chronosphere/}; it needs only the JDK (HTTP client). Delivery (buffers, batching, retries) is the
 * runtime's; this plugin encodes and sends.
 */
module io.blip.sink.chronosphere {
    requires io.blip.api;
    requires java.net.http;
    requires org.slf4j;

    provides io.blip.api.sink.SinkFactory with io.blip.sink.chronosphere.ChronosphereSinkFactory;
}
