package io.blip.sink.otlp;

import io.blip.api.Metrics;
import io.blip.api.sink.Sink;

/**
 * One monitor's OTLP sink: maps each collection on the sink's thread (the per-series state is the
 * monitor's) and hands it to the shared exporter, which sends it with other monitors' collections.
 */
final class OtlpSink implements Sink {
    private final String monitorId;
    private final MetricMapper mapper;
    private final SharedExporter exporter;
    private final SharedExporter.Buffer buffer;
    private final Exporters exporters;

    OtlpSink(String monitorId, MetricMapper mapper, SharedExporter exporter, Exporters exporters, int bufferSize) {
        this.monitorId = monitorId;
        this.mapper = mapper;
        this.exporter = exporter;
        this.buffer = exporter.buffer(monitorId, bufferSize);
        this.exporters = exporters;
    }

    /** Maps the collection and queues it; never waits for the collector. */
    @Override
    public void send(Metrics metrics) {
        exporter.enqueue(buffer, mapper.map(metrics));
    }

    @Override
    public String status() {
        return exporter.status(buffer);
    }

    /** What this sink's collections came to so far. */
    SharedExporter.Delivery delivery() {
        return exporter.delivery(buffer);
    }

    /**
     * Lets go of the shared exporter. What this sink queued stays with it and is sent with the rest;
     * the last sink to close makes the exporter do its one bounded flush.
     */
    @Override
    public void close() {
        exporters.release(exporter);
    }
}
