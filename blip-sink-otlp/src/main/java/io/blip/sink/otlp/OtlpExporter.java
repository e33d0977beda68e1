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
import java.nio.file.Path;

/** Makes the OpenTelemetry exporter an otlp sink sends through. */
final class OtlpExporter {
    private OtlpExporter() {
    }

    /**
     * An OTLP exporter without the SDK's own retry (a request is bounded by the timeout; retrying is
     * the runtime's delivery's job) and without self-telemetry (there is no global SDK in Blip). Over
     * HTTP it sends with {@link JdkHttpSender}, which lets the sink see {@code Retry-After}.
     */
    static MetricExporter build(OtlpSettings s) {
        if (s.protocol().equals(OtlpSettings.GRPC)) {
            OtlpGrpcMetricExporterBuilder b = OtlpGrpcMetricExporter.builder()
                    .setEndpoint(s.endpoint())
                    .setTimeout(s.timeout())
                    .setCompression(s.compression())
                    .setRetryPolicy(null)
                    .setMemoryMode(MemoryMode.IMMUTABLE_DATA)
                    .setMeterProvider(MeterProvider::noop);
            s.headers().forEach(b::addHeader);
            if (s.ca() != null) {
                b.setTrustedCertificates(certificates(s.ca()));
            }
            if (s.cert() != null) {
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
        if (s.ca() != null) {
            b.setTrustedCertificates(certificates(s.ca()));
        }
        if (s.cert() != null) {
            b.setClientTls(privateKey(s.key()), certificates(s.cert()));
        }
        return b.build();
    }

    /**
     * The certificates of a TLS file as the exporter reads them. The files were checked at boot (in
     * {@link OtlpSettings}); failing here means one changed since.
     */
    private static byte[] certificates(Path file) {
        try {
            return Pem.certificatesPem(file);
        } catch (PemException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The private key as the one PKCS#8 block the exporter reads, whatever form the file has it in. */
    private static byte[] privateKey(Path file) {
        try {
            return Pem.privateKeyPem(file);
        } catch (PemException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
