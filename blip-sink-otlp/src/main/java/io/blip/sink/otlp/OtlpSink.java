package io.blip.sink.otlp;

import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;
import io.blip.api.sink.Sink;

/**
 * One monitor's OTLP sink: maps each collection on the sink's thread (the per-series state is the
 * monitor's) and hands it to the shared exporter, which sends it with other monitors' collections.
 * The monitor's health goes the same way, as Blip's own metrics, unless {@code health} is false.
 */
final class OtlpSink implements Sink {
    private final MetricMapper mapper;
    private final HealthMapper health;
    private final SharedExporter exporter;
    private final SharedExporter.Buffer buffer;
    private final Exporters exporters;

    /** {@code health} null: Blip's own metrics are not sent. */
    OtlpSink(String monitorId, MetricMapper mapper, HealthMapper health, SharedExporter exporter, Exporters exporters,
             OtlpSettings settings) {
        this.mapper = mapper;
        this.health = health;
        this.exporter = exporter;
        this.buffer = exporter.buffer(monitorId, settings.bufferSize(), settings.bufferBytes());
        this.exporters = exporters;
    }

    /** Maps the collection and queues it; never waits for the collector. */
    @Override
    public void send(Metrics metrics) {
        exporter.enqueue(buffer, mapper.map(metrics));
    }

    /** Maps the snapshot with this sink's own counts and keeps it as the monitor's latest; never waits. */
    @Override
    public void sendHealth(MonitorHealth snapshot) {
        if (health != null) {
            exporter.offerHealth(buffer, health.map(snapshot, exporter.delivery(buffer)));
        }
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
