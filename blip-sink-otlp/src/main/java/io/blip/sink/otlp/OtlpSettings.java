package io.blip.sink.otlp;

import io.blip.api.BlipException;
import io.blip.api.config.Durations;
import io.blip.api.config.Options;
import io.blip.api.tls.Pem;
import io.blip.api.tls.PemException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One sink's validated settings: options first, then the standard OpenTelemetry environment
 * variables, then defaults. Every problem is reported at once, each with its config path or
 * variable name; header values never appear in a message.
 *
 * <p>Environment variables read (the signal-specific one wins over the general one):
 * {@code OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT}, {@code _PROTOCOL}, {@code _HEADERS},
 * {@code _COMPRESSION}, {@code _TIMEOUT} (milliseconds), {@code _CERTIFICATE},
 * {@code _CLIENT_CERTIFICATE}, {@code _CLIENT_KEY}, {@code _INSECURE}, and
 * {@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES}.
 *
 * @param exporter       what the shared exporter is
 * @param prefix         put before {@code <domain>.<metric>}
 * @param delta          true to send cumulative counters as deltas
 * @param metaAttributes meta keys sent as data-point attributes
 * @param resource       resource attributes from the environment and {@code service-name}, before the
 *                       monitor's own
 * @param bufferSize     the most collections of this monitor waiting to be sent
 * @param bufferBytes    the most bytes (estimated, encoded) of them; 0 for no byte budget
 * @param health         whether to send Blip's own metrics ({@code blip.*})
 */
record OtlpSettings(ExporterSettings exporter, String prefix, boolean delta, Set<String> metaAttributes,
                    Map<String, String> resource, int bufferSize, long bufferBytes, boolean health) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_BATCH_SIZE = 2000;
    static final Duration DEFAULT_BATCH_DELAY = Duration.ofMillis(200);
    static final int DEFAULT_BUFFER_SIZE = 60;
    static final Duration DEFAULT_RETRY_INITIAL = Duration.ofSeconds(1);
    static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(30);
    static final String DEFAULT_PREFIX = "mysql.";
    static final String DEFAULT_SERVICE_NAME = "blip";

    static OtlpSettings parse(Options options, Map<String, String> env) {
        var p = new Parser(options, env);
        OtlpSettings settings = p.settings();
        if (!p.problems.isEmpty()) {
            throw new BlipException(String.join("; ", p.problems));
        }
        return settings;
    }

    private static final class Parser {
        private final Options options;
        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();

        Parser(Options options, Map<String, String> env) {
            this.options = options;
            this.env = env;
        }

        OtlpSettings settings() {
            String protocol = protocol();
            boolean insecure = insecure();
            String endpoint = endpoint(protocol, insecure);
            Map<String, String> headers = headers();
            String compression = compression();
            Duration timeout = timeout();
            String ca = setting("ca", "CERTIFICATE").map(Setting::value).orElse("");
            var cert = setting("cert", "CLIENT_CERTIFICATE");
            var key = setting("key", "CLIENT_KEY");
            tlsFiles(setting("ca", "CERTIFICATE"), cert, key);
            if (!endpoint.isEmpty() && endpoint.startsWith("http://")
                    && (!ca.isEmpty() || cert.isPresent())) {
                problems.add(options.pathOf("endpoint") + ": '" + endpoint
                        + "' is plain text, but TLS files are set; use https://");
            }
            int batchSize = DEFAULT_BATCH_SIZE;
            try {
                batchSize = options.integer("batch-size", DEFAULT_BATCH_SIZE);
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
            if (batchSize < 1) {
                problems.add(options.pathOf("batch-size") + ": must be at least 1");
            }
            Duration batchDelay = duration("batch-delay", DEFAULT_BATCH_DELAY);
            int bufferSize = DEFAULT_BUFFER_SIZE;
            try {
                bufferSize = options.integer("buffer-size", DEFAULT_BUFFER_SIZE);
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
            if (bufferSize < 1) {
                problems.add(options.pathOf("buffer-size") + ": must be at least 1");
            }
            long bufferBytes = bytes("buffer-bytes");
            boolean health = true;
            try {
                health = options.bool("health", true);
            } catch (BlipException e) {
                problems.add(e.getMessage());
            }
            Duration retryInitial = positive("retry-initial", DEFAULT_RETRY_INITIAL);
            Duration retryMax = positive("retry-max", DEFAULT_RETRY_MAX);
            if (retryMax.compareTo(retryInitial) < 0) {
                problems.add(options.pathOf("retry-max") + ": must be at least retry-initial ("
                        + retryInitial.toMillis() + " ms)");
            }
            String temporality = options.string("temporality", "cumulative");
            if (!Set.of("cumulative", "delta").contains(temporality)) {
                problems.add(options.pathOf("temporality") + ": '" + temporality
                        + "' is not a temporality; use cumulative or delta");
            }
            var exporter = new ExporterSettings(protocol, endpoint, headers, compression, timeout, ca,
                    cert.map(Setting::value).orElse(""), key.map(Setting::value).orElse(""), batchSize, batchDelay,
                    retryInitial, retryMax);
            return new OtlpSettings(exporter, options.string("metric-prefix", DEFAULT_PREFIX),
                    temporality.equals("delta"), metaAttributes(), resource(), bufferSize, bufferBytes, health);
        }

        /** A size like {@code 1048576}, {@code 512KiB}, {@code 64MiB}, {@code 1GiB} (or KB, MB, GB: powers of 1000); 0 if unset. */
        private long bytes(String option) {
            var text = options.string(option).map(String::trim).filter(v -> !v.isEmpty());
            if (text.isEmpty()) {
                return 0;
            }
            var m = java.util.regex.Pattern.compile("(\\d+)\\s*([KMG]i?B|B)?", java.util.regex.Pattern.CASE_INSENSITIVE)
                    .matcher(text.get());
            if (!m.matches()) {
                problems.add(options.pathOf(option) + ": '" + text.get()
                        + "' is not a size; write bytes like 1048576, 512KiB, 64MiB or 1GiB");
                return 0;
            }
            String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
            long scale = switch (unit) {
                case "KB" -> 1000L;
                case "KIB" -> 1L << 10;
                case "MB" -> 1000L * 1000;
                case "MIB" -> 1L << 20;
                case "GB" -> 1000L * 1000 * 1000;
                case "GIB" -> 1L << 30;
                default -> 1L;
            };
            try {
                long n = Math.multiplyExact(Long.parseLong(m.group(1)), scale);
                if (n < 1024) {
                    problems.add(options.pathOf(option) + ": '" + text.get()
                            + "' is too small to hold a collection; use at least 1KiB");
                }
                return n;
            } catch (ArithmeticException | NumberFormatException e) {
                problems.add(options.pathOf(option) + ": '" + text.get() + "' is too large");
                return 0;
            }
        }

        /**
         * Reads the TLS files now (with {@link Pem}), so that a file that is missing or not PEM, or a key
         * that is not the certificate's, stops boot instead of failing every handshake later: the
         * exporter reports a bad file only as "Are they valid X.509 in PEM format?", and a wrong key only
         * as a connection closed at the first handshake.
         */
        private void tlsFiles(java.util.Optional<Setting> ca, java.util.Optional<Setting> cert,
                              java.util.Optional<Setting> key) {
            if (cert.isPresent() != key.isPresent()) {
                Setting given = cert.orElseGet(key::get);
                problems.add(cert.isPresent()
                        ? given.where() + ": '" + given.value() + "' is set without a key; set " + options.pathOf("key")
                                + " (or OTEL_EXPORTER_OTLP_CLIENT_KEY) to its private key, or remove the certificate"
                        : given.where() + ": '" + given.value() + "' is set without a certificate; set "
                                + options.pathOf("cert") + " (or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE) to the client "
                                + "certificate of this key, or remove the key");
            }
            java.security.cert.X509Certificate leaf = null;
            java.security.PrivateKey privateKey = null;
            try {
                if (ca.isPresent()) {
                    Pem.certificates(Path.of(ca.get().value()));
                }
            } catch (PemException e) {
                problems.add(ca.get().where() + ": " + e.getMessage());
            }
            try {
                if (cert.isPresent()) {
                    leaf = Pem.certificates(Path.of(cert.get().value())).getFirst();
                }
            } catch (PemException e) {
                problems.add(cert.get().where() + ": " + e.getMessage());
            }
            try {
                if (key.isPresent()) {
                    privateKey = Pem.privateKey(Path.of(key.get().value()));
                }
            } catch (PemException e) {
                problems.add(key.get().where() + ": " + e.getMessage());
            }
            if (privateKey != null && !List.of("RSA", "EC").contains(privateKey.getAlgorithm())) {
                // The exporter tries RSA and EC key factories only; Pem reads EdDSA keys too.
                problems.add(key.get().where() + ": the private key in '" + key.get().value() + "' is an "
                        + privateKey.getAlgorithm() + " key, and the OTLP exporter takes RSA or EC keys only; use an "
                        + "RSA or EC key");
            } else if (leaf != null && privateKey != null && !Pem.matches(privateKey, leaf)) {
                problems.add(key.get().where() + ": the key in '" + key.get().value() + "' is not the private key "
                        + "of the certificate in '" + cert.get().value() + "' (" + leaf.getSubjectX500Principal()
                        + "); give the key that was made with that certificate");
            }
        }

        /** A value from an option, else from the metrics variable, else from the general variable. */
        private java.util.Optional<Setting> setting(String option, String variable) {
            var given = options.string(option).filter(s -> !s.isBlank());
            if (given.isPresent()) {
                return given.map(v -> new Setting(options.pathOf(option), v.trim()));
            }
            for (String name : List.of("OTEL_EXPORTER_OTLP_METRICS_" + variable, "OTEL_EXPORTER_OTLP_" + variable)) {
                String v = env.get(name);
                if (v != null && !v.isBlank()) {
                    return java.util.Optional.of(new Setting(name, v.trim()));
                }
            }
            return java.util.Optional.empty();
        }

        private String protocol() {
            var s = setting("protocol", "PROTOCOL");
            String protocol = s.map(Setting::value).orElse(ExporterSettings.HTTP);
            if (!protocol.equals(ExporterSettings.GRPC) && !protocol.equals(ExporterSettings.HTTP)) {
                problems.add(s.map(Setting::where).orElse("") + ": '" + protocol
                        + "' is not supported; use grpc or http/protobuf");
                return ExporterSettings.HTTP;
            }
            return protocol;
        }

        private boolean insecure() {
            var s = setting("insecure", "INSECURE");
            try {
                return s.map(v -> Options.parseBool(v.where(), v.value())).orElse(false);
            } catch (BlipException e) {
                problems.add(e.getMessage());
                return false;
            }
        }

        /**
         * The endpoint URL. Without a scheme it is https, or http when insecure. For http/protobuf an
         * endpoint without a path gets {@code /v1/metrics}, and the general variable always does (as
         * the OTLP exporter spec says); the metrics variable is used as it is.
         */
        private String endpoint(String protocol, boolean insecure) {
            boolean http = protocol.equals(ExporterSettings.HTTP);
            var s = setting("endpoint", "ENDPOINT");
            if (s.isEmpty()) {
                return http ? "http://localhost:4318/v1/metrics" : "http://localhost:4317";
            }
            String where = s.get().where();
            String text = s.get().value();
            if (!text.contains("://")) {
                text = (insecure ? "http://" : "https://") + text;
            } else if (insecure && text.startsWith("https://")
                    && options.string("insecure").filter(v -> !v.isBlank()).isPresent()) {
                // Only the option contradicting the endpoint is a mistake: OTEL_EXPORTER_OTLP_INSECURE, often set
                // for every SDK on a host, only picks the scheme of an endpoint that has none (OTLP exporter spec).
                problems.add(options.pathOf("insecure") + ": true, but " + where + " '" + text
                        + "' uses TLS; remove insecure or use http://");
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                problems.add(where + ": '" + s.get().value() + "' is not a URL");
                return "";
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getUserInfo() != null) {
                problems.add(where + ": '" + s.get().value()
                        + "' is not an OTLP endpoint; write it like http://host:4318 or https://host:4317");
                return "";
            }
            if (!http) {
                return text;
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            if (where.equals("OTEL_EXPORTER_OTLP_ENDPOINT")) {
                return stripSlash(text) + "/v1/metrics";
            }
            return path.isEmpty() || path.equals("/") ? stripSlash(text) + "/v1/metrics" : text;
        }

        private static String stripSlash(String s) {
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }

        private Map<String, String> headers() {
            var s = setting("headers", "HEADERS");
            return s.map(v -> keyValues(v.where(), v.value(), false)).orElse(Map.of());
        }

        /** {@code key=value,key2=value2}, values URL-decoded; shows no value when {@code secret}. */
        private Map<String, String> keyValues(String where, String text, boolean showValues) {
            var out = new LinkedHashMap<String, String>();
            int n = 0;
            for (String entry : text.split(",")) {
                n++;
                if (entry.isBlank()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq <= 0 || entry.substring(0, eq).isBlank()) {
                    problems.add(where + ": entry " + n + (showValues ? " '" + entry.trim() + "'" : "")
                            + " is not key=value");
                    continue;
                }
                out.put(entry.substring(0, eq).trim(),
                        URLDecoder.decode(entry.substring(eq + 1).trim(), StandardCharsets.UTF_8));
            }
            return out;
        }

        private String compression() {
            var s = setting("compression", "COMPRESSION");
            String c = s.map(v -> v.value().toLowerCase(Locale.ROOT)).orElse("none");
            if (!c.equals("gzip") && !c.equals("none")) {
                problems.add(s.map(Setting::where).orElse("") + ": '" + c
                        + "' is not supported; use gzip or none");
                return "none";
            }
            return c;
        }

        private Duration timeout() {
            Duration timeout = DEFAULT_TIMEOUT;
            if (options.has("timeout")) {
                timeout = duration("timeout", DEFAULT_TIMEOUT);
            } else {
                var s = setting("timeout", "TIMEOUT");
                if (s.isPresent()) {
                    try {
                        timeout = Duration.ofMillis(Long.parseLong(s.get().value()));
                    } catch (NumberFormatException e) {
                        problems.add(s.get().where() + ": '" + s.get().value() + "' is not milliseconds");
                    }
                }
            }
            if (timeout.isZero() || timeout.isNegative()) {
                problems.add(options.pathOf("timeout") + ": must be more than 0");
                return DEFAULT_TIMEOUT;
            }
            return timeout;
        }

        private Duration positive(String option, Duration fallback) {
            Duration d = duration(option, fallback);
            if (d.isZero() || d.isNegative()) {
                problems.add(options.pathOf(option) + ": must be more than 0");
                return fallback;
            }
            return d;
        }

        private Duration duration(String option, Duration fallback) {
            try {
                return options.string(option).map(v -> Durations.parse(options.pathOf(option), v)).orElse(fallback);
            } catch (BlipException e) {
                problems.add(e.getMessage());
                return fallback;
            }
        }

        private Set<String> metaAttributes() {
            var out = new LinkedHashSet<String>();
            for (String k : options.string("meta-attributes", "").split(",")) {
                if (!k.isBlank()) {
                    out.add(k.trim());
                }
            }
            return out;
        }

        /** OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME, then {@code service-name}. */
        private Map<String, String> resource() {
            var out = new LinkedHashMap<String, String>();
            out.put("service.name", DEFAULT_SERVICE_NAME);
            String attrs = env.get("OTEL_RESOURCE_ATTRIBUTES");
            if (attrs != null && !attrs.isBlank()) {
                out.putAll(keyValues("OTEL_RESOURCE_ATTRIBUTES", attrs, true));
            }
            String service = env.get("OTEL_SERVICE_NAME");
            if (service != null && !service.isBlank()) {
                out.put("service.name", service.trim());
            }
            options.string("service-name").filter(v -> !v.isBlank()).ifPresent(v -> out.put("service.name", v));
            return out;
        }
    }

    /** A value and where it came from: a config path or a variable name. */
    private record Setting(String where, String value) {
    }
}
