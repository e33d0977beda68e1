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
    private final Exporters exporters;

    OtlpSink(String monitorId, MetricMapper mapper, SharedExporter exporter, Exporters exporters) {
        this.monitorId = monitorId;
        this.mapper = mapper;
        this.exporter = exporter;
        this.exporters = exporters;
    }

    @Override
    public void send(Metrics metrics) {
        exporter.enqueue(monitorId, mapper.map(metrics));
    }

    @Override
    public String status() {
        return exporter.status();
    }

    @Override
    public void close() {
        exporters.release(exporter);
    }
}
