package io.blip.sink.otlp;

import io.blip.api.tls.Pem;
import io.blip.api.tls.PemException;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
        Builder b;
        if (s.protocol().equals(OtlpSettings.GRPC)) {
            var grpc = OtlpGrpcMetricExporter.builder().setRetryPolicy(null).setMemoryMode(MemoryMode.IMMUTABLE_DATA)
                    .setMeterProvider(MeterProvider::noop);
            b = new Builder(grpc::setEndpoint, grpc::setTimeout, grpc::setCompression, grpc::addHeader,
                    grpc::setTrustedCertificates, grpc::setClientTls, grpc::build);
        } else {
            var http = OtlpHttpMetricExporter.builder().setRetryPolicy(null).setMemoryMode(MemoryMode.IMMUTABLE_DATA)
                    .setMeterProvider(MeterProvider::noop).setComponentLoader(JdkHttpSender.loader());
            b = new Builder(http::setEndpoint, http::setTimeout, http::setCompression, http::addHeader,
                    http::setTrustedCertificates, http::setClientTls, http::build);
        }
        b.endpoint().accept(s.endpoint());
        b.timeout().accept(s.timeout());
        b.compression().accept(s.compression());
        s.headers().forEach(b.header());
        if (s.ca() != null) {
            b.trustedCertificates().accept(certificates(s.ca()));
        }
        if (s.cert() != null) {
            b.clientTls().accept(privateKey(s.key()), certificates(s.cert()));
        }
        return b.build().get();
    }

    /**
     * The settings both exporter builders (gRPC and HTTP) take, as their own methods: the two have
     * the same methods but no common type.
     */
    private record Builder(Consumer<String> endpoint, Consumer<Duration> timeout, Consumer<String> compression,
                           BiConsumer<String, String> header, Consumer<byte[]> trustedCertificates,
                           BiConsumer<byte[], byte[]> clientTls, Supplier<MetricExporter> build) {
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
