package io.blip.sink.otlp;

import io.blip.api.BlipException;
import io.blip.api.config.OptionSet;
import io.blip.api.sink.Delivery;
import io.blip.testkit.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.blip.sink.otlp.TestData.PATH;
import static io.blip.sink.otlp.TestData.options;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The otlp sink's options as the runtime reads them (its declaration with the delivery options every
 * sink has, the environment resolved by that reading), then the checks only the sink can make
 * ({@link OtlpSettings#of}). A value the declaration refuses is the declaration's message; the
 * endpoint and the TLS files are the sink's.
 */
class OtlpSettingsTest {

    private static OtlpSettings parse(Map<String, String> options, Map<String, String> env) {
        return OtlpSettings.of(options(options, env));
    }

    /** Why reading or checking the options fails: every problem, one per line from the declaration. */
    private static String error(Map<String, String> options, Map<String, String> env) {
        return assertThrows(BlipException.class, () -> parse(options, env)).getMessage();
    }

    private static Delivery delivery(Map<String, String> options) {
        return Delivery.of(options(options));
    }

    @Test
    void defaults() {
        OtlpSettings s = parse(Map.of(), Map.of());
        assertEquals("http/protobuf", s.protocol());
        assertEquals("http://localhost:4318/v1/metrics", s.endpoint());
        assertEquals("none", s.compression());
        assertEquals(Duration.ofSeconds(5), s.timeout());
        assertEquals(Map.of(), s.headers());
        assertEquals("mysql.", s.prefix());
        assertFalse(s.delta());
        assertEquals(Map.of("service.name", "blip"), s.resource());
        assertEquals("http://localhost:4317", parse(Map.of("protocol", "grpc"), Map.of()).endpoint());
    }

    @Test
    void anHttpEndpointWithoutAPathGetsTheMetricsPath() {
        assertEquals("http://c:4318/v1/metrics", parse(Map.of("endpoint", "http://c:4318"), Map.of()).endpoint());
        assertEquals("http://c:4318/v1/metrics", parse(Map.of("endpoint", "http://c:4318/"), Map.of()).endpoint());
        assertEquals("https://v.example/otlp/v1/metrics",
                parse(Map.of("endpoint", "https://v.example/otlp/v1/metrics"), Map.of()).endpoint());
        assertEquals("https://c:4318/v1/metrics", parse(Map.of("endpoint", "c:4318"), Map.of()).endpoint());
        assertEquals("http://c:4318/v1/metrics",
                parse(Map.of("endpoint", "c:4318", "insecure", "true"), Map.of()).endpoint());
    }

    @Test
    void theInsecureVariableOnlyPicksTheSchemeOfAnEndpointWithoutOne() {
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_INSECURE", "true");
        assertEquals("http://c:4318/v1/metrics", parse(Map.of("endpoint", "c:4318"), env).endpoint());
        // Set for every SDK on the host, it must not stop a sink whose endpoint says https://.
        assertEquals("https://c:4318/v1/metrics", parse(Map.of("endpoint", "https://c:4318"), env).endpoint());
        assertEquals("https://c:4318/v1/metrics",
                parse(Map.of("endpoint", "https://c:4318", "insecure", "false"), env).endpoint());
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
        assertEquals("http://general:4318/base/v1/metrics", s.endpoint());
        assertEquals(Map.of("api-key", "metrics key", "x-team", "db"), s.headers());
        assertEquals("gzip", s.compression());
        assertEquals(Duration.ofMillis(2500), s.timeout());
        assertEquals(Map.of("service.name", "from-env", "deployment.environment.name", "prod"), s.resource());
        assertEquals(Map.of("service.name", "from-attrs", "deployment.environment.name", "prod"),
                parse(Map.of(), Map.of("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=prod,"
                        + "service.name=from-attrs")).resource(), "without OTEL_SERVICE_NAME, the attributes' name");

        OtlpSettings explicit = parse(pairs("endpoint", "http://mine:4318", "headers", "api-key=mine",
                "compression", "none", "send-timeout", "3s", "service-name", "mine"), Map.of("OTEL_SERVICE_NAME", "env",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://env:4318/custom",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "2500"));
        assertEquals("http://mine:4318/v1/metrics", explicit.endpoint());
        assertEquals(Map.of("api-key", "mine"), explicit.headers());
        assertEquals("none", explicit.compression());
        assertEquals(Duration.ofSeconds(3), explicit.timeout());
        assertEquals("mine", explicit.resource().get("service.name"));
        assertEquals("http://env:4318/custom",
                parse(Map.of(), Map.of("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://env:4318/custom")).endpoint(),
                "the metrics variable is used as it is");
    }

    @Test
    void resourceAttributesComeFromTheEnvironmentOnly() {
        assertEquals(PATH + ".resource-attributes: unknown key; valid keys here: buffer-size, buffer-bytes, "
                        + "send-timeout, send-retry-wait, retry-max, batch-size, batch-delay, endpoint, protocol, headers, "
                        + "compression, ca, cert, key, insecure, metric-prefix, naming, temporality, meta-attributes, service-name, "
                        + "health",
                error(Map.of("resource-attributes", "team=db"), Map.of()));
    }

    @Test
    void theOlderNamesTimeoutAndRetryInitialStillWork() {
        OtlpSettings s = parse(Map.of("timeout", "3s"), Map.of());
        assertEquals(Duration.ofSeconds(3), s.timeout());
        assertEquals(Duration.ofSeconds(3), delivery(Map.of("timeout", "3s")).sendTimeout(),
                "the runtime bounds its flush by the same option");
        assertEquals(Duration.ofMillis(50), delivery(Map.of("retry-initial", "50ms")).sendRetryWait());
        assertEquals(Duration.ofMillis(50), delivery(Map.of("send-retry-wait", "50ms")).sendRetryWait());
    }

    @Test
    void anOptionAndItsOlderNameTogetherAreAProblem() {
        assertEquals(PATH + ".timeout: set only one of send-timeout and timeout, which mean the same\n"
                        + PATH + ".retry-initial: set only one of send-retry-wait and retry-initial, which mean the same",
                error(pairs("send-timeout", "3s", "timeout", "4s", "send-retry-wait", "1s", "retry-initial", "2s"),
                        Map.of()));
    }

    /** Problems of values are the declaration's, each on its line, in the order options are declared. */
    @Test
    void everyProblemIsReportedAtOnceWithItsPath() {
        assertEquals(PATH + ".timeout: must be more than 0\n"
                        + PATH + ".protocol: 'http/json' is not allowed; use one of: grpc, http/protobuf\n"
                        + PATH + ".compression: 'zstd' is not allowed; use one of: gzip, none",
                error(Map.of("protocol", "http/json", "compression", "zstd", "timeout", "0"), Map.of()));
        assertEquals("OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' is not allowed; use one of: grpc, http/protobuf",
                error(Map.of(), Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")));
        assertEquals("OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' is not milliseconds or a duration like 5s",
                error(Map.of(), Map.of("OTEL_EXPORTER_OTLP_TIMEOUT", "soon")));
        assertEquals(PATH + ".timeout: 'soon' is not a duration; write it like 5s, 250ms, 1m30s or 1h",
                error(Map.of("timeout", "soon"), Map.of()));
        assertEquals(PATH + ".temporality: 'weekly' is not allowed; use one of: cumulative, delta",
                error(Map.of("temporality", "weekly"), Map.of()));
        assertEquals(PATH + ".batch-size: must be at least 1", error(Map.of("batch-size", "0"), Map.of()));
        assertEquals(PATH + ".retry-max: must be at least send-retry-wait (5000 ms)",
                assertThrows(BlipException.class, () -> delivery(Map.of("retry-initial", "5s", "retry-max", "1s")))
                        .getMessage());
    }

    /** Problems the declaration cannot see are the sink's own, joined on one line. */
    @Test
    void theEndpointIsTheSinksToCheck() {
        assertEquals(PATH + ".endpoint: 'ftp://c:21' is not an OTLP endpoint; write it like http://host:4318 "
                + "or https://host:4317", error(Map.of("endpoint", "ftp://c:21"), Map.of()));
        assertEquals(PATH + ".endpoint: 'http://c :4318' is not a URL", error(Map.of("endpoint", "http://c :4318"),
                Map.of()));
        assertEquals(PATH + ".insecure: true, but " + PATH + ".endpoint 'https://c:4317' uses TLS; remove insecure "
                + "or use http://", error(Map.of("endpoint", "https://c:4317", "insecure", "true"), Map.of()));
        assertEquals("OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://c:21' is not an OTLP endpoint; write it like "
                + "http://host:4318 or https://host:4317", error(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT",
                "ftp://c:21")));
    }

    @Test
    void headerValuesNeverAppearInMessages() {
        String message = error(Map.of("headers", "api-key=s3cr3t,broken-s3cr3t"), Map.of());
        assertEquals(PATH + ".headers: entry 2 is not key=value", message);
        OtlpSettings s = parse(Map.of("headers", "api-key=s3cr3t"), Map.of());
        assertFalse(s.toString().contains("s3cr3t"), s.toString());
        assertFalse(s.describe().contains("s3cr3t"), s.describe());
    }

    /** More in {@link OtlpTlsTest}: every kind of bad TLS file, and TLS against a real receiver. */
    @Test
    void tlsFilesMustExistAndCertAndKeyGoTogether(@TempDir Path dir) {
        Path cert = TestCertificates.authority("Settings CA").writeCertificate(dir.resolve("cert.pem"));
        assertEquals(PATH + ".ca: file " + dir.resolve("none.pem") + " does not exist",
                error(Map.of("endpoint", "https://c:4318", "ca", dir.resolve("none.pem").toString()), Map.of()));
        assertEquals(PATH + ".cert: '" + cert + "' is set without a key; set " + PATH + ".key (or "
                        + "OTEL_EXPORTER_OTLP_CLIENT_KEY) to its private key, or remove the certificate",
                error(Map.of("endpoint", "https://c:4318", "cert", cert.toString()), Map.of()));
        assertEquals(PATH + ".endpoint: 'http://c:4318/v1/metrics' is plain text, but TLS files are set; use https://",
                error(Map.of("endpoint", "http://c:4318", "ca", cert.toString()), Map.of()));
        assertEquals(cert, parse(Map.of("endpoint", "https://c:4318", "ca", cert.toString()), Map.of()).ca());
    }

    /**
     * A relative file in the config is relative to the config file's directory, as every path in the
     * config is (it was the working directory before options were declared); one in an environment
     * variable is relative to the working directory, as other OpenTelemetry SDKs read it.
     */
    @Test
    void aRelativeFileIsFromTheConfigDirectoryInTheConfigAndFromTheWorkingDirectoryInTheEnvironment(
            @TempDir Path configDir) throws Exception {
        Path ca = TestCertificates.authority("Relative CA").writeCertificate(configDir.resolve("ca.pem"));
        var inConfig = OptionSet.Input.of(PATH, Map.of("endpoint", "https://c:4318", "ca", "ca.pem"))
                .withBaseDir(configDir);
        assertEquals(ca, OtlpSettings.of(TestData.DECLARED.read(inConfig)).ca());

        Path fromWorkingDir = Path.of("").toAbsolutePath().relativize(ca);
        assertFalse(fromWorkingDir.isAbsolute());
        var inEnv = OptionSet.Input.of(PATH, Map.of("endpoint", "https://c:4318")).withBaseDir(configDir);
        OtlpSettings s = OtlpSettings.of(TestData.DECLARED.read(
                inEnv.withEnv(Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", fromWorkingDir.toString()))));
        assertTrue(Files.isSameFile(ca, s.ca()), s.ca().toString());
        assertEquals("OTEL_EXPORTER_OTLP_CERTIFICATE: file ca.pem does not exist",
                assertThrows(BlipException.class, () -> TestData.DECLARED.read(
                        inEnv.withEnv(Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", "ca.pem")))).getMessage(),
                "not from the config directory");
    }

    @Test
    void deliveryOptionsHaveTheOtlpDefaults() {
        Delivery d = delivery(Map.of());
        assertEquals(new Delivery(60, 0, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30), 2000,
                Duration.ofMillis(200)), d);
        Delivery s = delivery(pairs("buffer-size", "5", "send-retry-wait", "50ms", "retry-max", "2s",
                "batch-size", "100", "batch-delay", "1s"));
        assertEquals(new Delivery(5, 0, Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofSeconds(2), 100,
                Duration.ofSeconds(1)), s);
        assertEquals(PATH + ".buffer-size: must be at least 1\n" + PATH + ".retry-initial: must be more than 0",
                error(Map.of("buffer-size", "0", "retry-initial", "0s"), Map.of()));
    }

    @Test
    void aByteBudgetIsASizeAndHealthIsOnUnlessTurnedOff() {
        assertEquals(0, delivery(Map.of()).bufferBytes(), "no byte budget by default");
        assertTrue(parse(Map.of(), Map.of()).health());
        assertEquals(64L << 20, delivery(Map.of("buffer-bytes", "64MiB")).bufferBytes());
        assertEquals(2_000_000, delivery(Map.of("buffer-bytes", "2 MB")).bufferBytes());
        assertEquals(4096, delivery(Map.of("buffer-bytes", "4096")).bufferBytes());
        assertFalse(parse(Map.of("health", "false"), Map.of()).health());
        assertEquals(PATH + ".buffer-bytes: '64 megs' is not a size; write bytes like 1048576, 512KiB, 64MiB or 1GiB",
                error(Map.of("buffer-bytes", "64 megs"), Map.of()));
        assertEquals(PATH + ".buffer-bytes: must be at least 1KiB", error(Map.of("buffer-bytes", "100B"), Map.of()));
        assertEquals(PATH + ".health: 'maybe' is not a boolean; use true or false (or yes/no, on/off, 1/0)",
                error(Map.of("health", "maybe"), Map.of()));
    }
}
