package io.blip.sink.otlp;

import io.blip.api.tls.Pem;
import io.blip.api.tls.PemException;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The exporters of one {@link OtlpSinkFactory}, by settings: the first sink with given settings
 * creates one, later ones share it, and the last one to close shuts it down. Built at boot, when
 * monitors make their sinks.
 */
final class Exporters {
    private static final Logger LOG = LoggerFactory.getLogger(Exporters.class);

    private final Map<ExporterSettings, Entry> open = new HashMap<>();

    private static final class Entry {
        final SharedExporter exporter;
        int users;

        Entry(SharedExporter exporter) {
            this.exporter = exporter;
        }
    }

    /** The shared exporter for these settings, made on first use; call {@link #release} once for each. */
    synchronized SharedExporter acquire(ExporterSettings settings) {
        Entry e = open.get(settings);
        if (e == null) {
            e = new Entry(new SharedExporter(settings, build(settings)).start());
            open.put(settings, e);
            LOG.info("OTLP exporter {} ready", settings);
        }
        e.users++;
        return e.exporter;
    }

    void release(SharedExporter exporter) {
        boolean last;
        synchronized (this) {
            Entry e = open.get(exporter.settings());
            if (e == null || e.exporter != exporter) {
                return;
            }
            last = --e.users == 0;
            if (last) {
                open.remove(exporter.settings());
            }
        }
        if (last) {
            exporter.close();
        }
    }

    synchronized int size() {
        return open.size();
    }

    /**
     * An OTLP exporter without the SDK's own retry (a request is bounded by the timeout; retrying is
     * the delivery's job) and without self-telemetry (there is no global SDK in Blip). Over HTTP it
     * sends with {@link JdkHttpSender}, which lets the delivery see {@code Retry-After}.
     */
    static MetricExporter build(ExporterSettings s) {
        if (s.protocol().equals(ExporterSettings.GRPC)) {
            OtlpGrpcMetricExporterBuilder b = OtlpGrpcMetricExporter.builder()
                    .setEndpoint(s.endpoint())
                    .setTimeout(s.timeout())
                    .setCompression(s.compression())
                    .setRetryPolicy(null)
                    .setMemoryMode(MemoryMode.IMMUTABLE_DATA)
                    .setMeterProvider(MeterProvider::noop);
            s.headers().forEach(b::addHeader);
            if (!s.ca().isEmpty()) {
                b.setTrustedCertificates(certificates(s.ca()));
            }
            if (!s.cert().isEmpty()) {
                b.setClientTls(privateKey(s.key()), certificates(s.cert()));
            }
            return b.build();
        }
        OtlpHttpMetricExporterBuilder b = OtlpHttpMetricExporter.builder()
                .setComponentLoader(JdkHttpSender.loader())
                .setEndpoint(s.endpoint())
                .setTimeout(s.timeout())
                .setCompression(s.compression())
                .setRetryPolicy(null)
                .setMemoryMode(MemoryMode.IMMUTABLE_DATA)
                .setMeterProvider(MeterProvider::noop);
        s.headers().forEach(b::addHeader);
        if (!s.ca().isEmpty()) {
            b.setTrustedCertificates(certificates(s.ca()));
        }
        if (!s.cert().isEmpty()) {
            b.setClientTls(privateKey(s.key()), certificates(s.cert()));
        }
        return b.build();
    }

    /**
     * The certificates of a TLS file as the exporter reads them. The files were checked at boot (in
     * {@link OtlpSettings}); failing here means one changed since.
     */
    private static byte[] certificates(String file) {
        try {
            return Pem.certificatesPem(Path.of(file));
        } catch (PemException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The private key as the one PKCS#8 block the exporter reads, whatever form the file has it in. */
    private static byte[] privateKey(String file) {
        try {
            return Pem.privateKeyPem(Path.of(file));
        } catch (PemException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
