package io.blip.sink.otlp;

import io.blip.api.BlipException;
import io.blip.api.config.Options;
import io.blip.testkit.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OtlpSettingsTest {
    private static final String PATH = "monitors[0].sinks.otlp";

    private static OtlpSettings parse(Map<String, String> options, Map<String, String> env) {
        return OtlpSettings.parse(Options.of(PATH, options), env);
    }

    private static String error(Map<String, String> options, Map<String, String> env) {
        return assertThrows(BlipException.class, () -> parse(options, env)).getMessage();
    }

    @Test
    void defaults() {
        OtlpSettings s = parse(Map.of(), Map.of());
        ExporterSettings e = s.exporter();
        assertEquals("http/protobuf", e.protocol());
        assertEquals("http://localhost:4318/v1/metrics", e.endpoint());
        assertEquals("none", e.compression());
        assertEquals(Duration.ofSeconds(10), e.timeout());
        assertEquals(Map.of(), e.headers());
        assertEquals("mysql.", s.prefix());
        assertFalse(s.delta());
        assertEquals(Map.of("service.name", "blip"), s.resource());
        assertEquals("http://localhost:4317", parse(Map.of("protocol", "grpc"), Map.of()).exporter().endpoint());
    }

    @Test
    void anHttpEndpointWithoutAPathGetsTheMetricsPath() {
        assertEquals("http://c:4318/v1/metrics", parse(Map.of("endpoint", "http://c:4318"), Map.of()).exporter().endpoint());
        assertEquals("http://c:4318/v1/metrics", parse(Map.of("endpoint", "http://c:4318/"), Map.of()).exporter().endpoint());
        assertEquals("https://v.example/otlp/v1/metrics",
                parse(Map.of("endpoint", "https://v.example/otlp/v1/metrics"), Map.of()).exporter().endpoint());
        assertEquals("https://c:4318/v1/metrics", parse(Map.of("endpoint", "c:4318"), Map.of()).exporter().endpoint());
        assertEquals("http://c:4318/v1/metrics",
                parse(Map.of("endpoint", "c:4318", "insecure", "true"), Map.of()).exporter().endpoint());
    }

    @Test
    void theInsecureVariableOnlyPicksTheSchemeOfAnEndpointWithoutOne() {
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_INSECURE", "true");
        assertEquals("http://c:4318/v1/metrics", parse(Map.of("endpoint", "c:4318"), env).exporter().endpoint());
        // Set for every SDK on the host, it must not stop a sink whose endpoint says https://.
        assertEquals("https://c:4318/v1/metrics",
                parse(Map.of("endpoint", "https://c:4318"), env).exporter().endpoint());
        assertEquals("https://c:4318/v1/metrics", parse(Map.of("endpoint", "https://c:4318", "insecure", "false"),
                env).exporter().endpoint());
    }

    @Test
    void theStandardVariablesApplyAndOptionsWin() {
        Map<String, String> env = Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4318/base",
                "OTEL_EXPORTER_OTLP_HEADERS", "api-key=general",
                "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "api-key=metrics%20key,x-team=db",
                "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip",
                "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "2500",
                "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=prod,service.name=from-attrs",
                "OTEL_SERVICE_NAME", "from-env");
        OtlpSettings s = parse(Map.of(), env);
        assertEquals("http://general:4318/base/v1/metrics", s.exporter().endpoint());
        assertEquals(Map.of("api-key", "metrics key", "x-team", "db"), s.exporter().headers());
        assertEquals("gzip", s.exporter().compression());
        assertEquals(Duration.ofMillis(2500), s.exporter().timeout());
        assertEquals(Map.of("service.name", "from-env", "deployment.environment.name", "prod"), s.resource());

        OtlpSettings explicit = parse(Map.of("endpoint", "http://mine:4318", "headers", "api-key=mine",
                "compression", "none", "timeout", "3s", "service-name", "mine"), Map.of("OTEL_SERVICE_NAME", "env",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://env:4318/custom"));
        assertEquals("http://mine:4318/v1/metrics", explicit.exporter().endpoint());
        assertEquals(Map.of("api-key", "mine"), explicit.exporter().headers());
        assertEquals("none", explicit.exporter().compression());
        assertEquals(Duration.ofSeconds(3), explicit.exporter().timeout());
        assertEquals("mine", explicit.resource().get("service.name"));
        assertEquals("http://env:4318/custom",
                parse(Map.of(), Map.of("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://env:4318/custom"))
                        .exporter().endpoint(), "the metrics variable is used as it is");
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath() {
        assertEquals(PATH + ".protocol: 'http/json' is not supported; use grpc or http/protobuf; "
                        + PATH + ".compression: 'zstd' is not supported; use gzip or none; "
                        + PATH + ".timeout: must be more than 0",
                error(Map.of("protocol", "http/json", "compression", "zstd", "timeout", "0"), Map.of()));
        assertEquals("OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' is not supported; use grpc or http/protobuf",
                error(Map.of(), Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")));
        assertEquals(PATH + ".endpoint: 'ftp://c:21' is not an OTLP endpoint; write it like http://host:4318 "
                + "or https://host:4317", error(Map.of("endpoint", "ftp://c:21"), Map.of()));
        assertEquals(PATH + ".insecure: true, but " + PATH + ".endpoint 'https://c:4317' uses TLS; remove insecure "
                + "or use http://", error(Map.of("endpoint", "https://c:4317", "insecure", "true"), Map.of()));
        assertEquals(PATH + ".timeout: 'soon' is not a duration; write it like 5s, 250ms, 1m30s or 1h",
                error(Map.of("timeout", "soon"), Map.of()));
        assertEquals(PATH + ".temporality: 'weekly' is not a temporality; use cumulative or delta",
                error(Map.of("temporality", "weekly"), Map.of()));
        assertEquals(PATH + ".batch-size: must be at least 1", error(Map.of("batch-size", "0"), Map.of()));
    }

    @Test
    void headerValuesNeverAppearInMessages() {
        String message = error(Map.of("headers", "api-key=s3cr3t,broken-s3cr3t"), Map.of());
        assertEquals(PATH + ".headers: entry 2 is not key=value", message);
        assertFalse(parse(Map.of("headers", "api-key=s3cr3t"), Map.of()).exporter().toString().contains("s3cr3t"));
    }

    /** More in {@link OtlpTlsTest}: every kind of bad TLS file, and TLS against a real receiver. */
    @Test
    void tlsFilesMustBeReadableAndCertAndKeyGoTogether(@TempDir Path dir) {
        Path cert = TestCertificates.authority("Settings CA").writeCertificate(dir.resolve("cert.pem"));
        assertEquals(PATH + ".ca: '" + dir.resolve("none.pem") + "' does not exist",
                error(Map.of("endpoint", "https://c:4318", "ca", dir.resolve("none.pem").toString()), Map.of()));
        assertEquals(PATH + ".cert: '" + cert + "' is set without a key; set " + PATH + ".key (or "
                        + "OTEL_EXPORTER_OTLP_CLIENT_KEY) to its private key, or remove the certificate",
                error(Map.of("endpoint", "https://c:4318", "cert", cert.toString()), Map.of()));
        assertEquals(PATH + ".endpoint: 'http://c:4318/v1/metrics' is plain text, but TLS files are set; use https://",
                error(Map.of("endpoint", "http://c:4318", "ca", cert.toString()), Map.of()));
        assertTrue(parse(Map.of("endpoint", "https://c:4318", "ca", cert.toString()), Map.of()).exporter().ca()
                .endsWith("cert.pem"));
    }

    @Test
    void deliveryOptions() {
        OtlpSettings d = parse(Map.of(), Map.of());
        assertEquals(60, d.bufferSize());
        assertEquals(Duration.ofSeconds(1), d.exporter().retryInitial());
        assertEquals(Duration.ofSeconds(30), d.exporter().retryMax());
        OtlpSettings s = parse(Map.of("buffer-size", "5", "retry-initial", "50ms", "retry-max", "2s"), Map.of());
        assertEquals(5, s.bufferSize());
        assertEquals(Duration.ofMillis(50), s.exporter().retryInitial());
        assertEquals(Duration.ofSeconds(2), s.exporter().retryMax());
        assertEquals(PATH + ".buffer-size: must be at least 1; " + PATH + ".retry-initial: must be more than 0",
                error(Map.of("buffer-size", "0", "retry-initial", "0s"), Map.of()));
        assertEquals(PATH + ".retry-max: must be at least retry-initial (5000 ms)",
                error(Map.of("retry-initial", "5s", "retry-max", "1s"), Map.of()));
    }

    @Test
    void aByteBudgetIsASizeAndHealthIsOnUnlessTurnedOff() {
        assertEquals(0, parse(Map.of(), Map.of()).bufferBytes(), "no byte budget by default");
        assertTrue(parse(Map.of(), Map.of()).health());
        assertEquals(64L << 20, parse(Map.of("buffer-bytes", "64MiB"), Map.of()).bufferBytes());
        assertEquals(2_000_000, parse(Map.of("buffer-bytes", "2 MB"), Map.of()).bufferBytes());
        assertEquals(4096, parse(Map.of("buffer-bytes", "4096"), Map.of()).bufferBytes());
        assertFalse(parse(Map.of("health", "false"), Map.of()).health());
        assertEquals(PATH + ".buffer-bytes: '64 megs' is not a size; write bytes like 1048576, 512KiB, 64MiB or 1GiB",
                error(Map.of("buffer-bytes", "64 megs"), Map.of()));
        assertEquals(PATH + ".buffer-bytes: '100B' is too small to hold a collection; use at least 1KiB",
                error(Map.of("buffer-bytes", "100B"), Map.of()));
        assertTrue(error(Map.of("health", "maybe"), Map.of()).startsWith(PATH + ".health: "),
                error(Map.of("health", "maybe"), Map.of()));
    }
}
