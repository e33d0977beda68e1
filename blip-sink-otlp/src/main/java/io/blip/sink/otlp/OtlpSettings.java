package io.blip.sink.otlp;

import io.blip.api.BlipException;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.tls.Pem;
import io.blip.api.tls.PemException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The otlp sink's options, declared once ({@link #OPTIONS}; the runtime checks them, reads the
 * standard OpenTelemetry environment variables a declaration names, and adds the delivery options
 * every sink has), and the checks the declaration cannot express: the endpoint's URL and scheme,
 * and the TLS files, read at boot. Header values never appear in a message.
 *
 * <p>Environment variables (the signal-specific one wins over the general one):
 * {@code OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT}, {@code _PROTOCOL}, {@code _HEADERS},
 * {@code _COMPRESSION}, {@code _TIMEOUT} (milliseconds), {@code _CERTIFICATE},
 * {@code _CLIENT_CERTIFICATE}, {@code _CLIENT_KEY}, {@code _INSECURE}, and
 * {@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES}.
 *
 * @param protocol       {@code grpc} or {@code http/protobuf}
 * @param endpoint       the full URL: for http/protobuf with the {@code /v1/metrics} path
 * @param headers        request headers (API keys): secrets
 * @param compression    {@code gzip} or {@code none}
 * @param timeout        the most one export request may take ({@code send-timeout})
 * @param ca             trusted CA certificates, or null for the JDK's
 * @param cert           a client certificate (mutual TLS), or null
 * @param key            the private key of {@code cert}, or null
 * @param prefix         put before {@code <domain>.<metric>}
 * @param delta          true to send cumulative counters as deltas
 * @param otel           {@code naming: otel}: the OpenTelemetry Collector mysqlreceiver's names where it has them
 * @param metaAttributes meta keys sent as data-point attributes
 * @param resource       resource attributes from the environment and {@code service-name}, before the
 *                       monitor's own
 * @param health         whether to send Blip's own metrics ({@code blip.*})
 */
record OtlpSettings(String protocol, String endpoint, Map<String, String> headers, String compression,
                    Duration timeout, Path ca, Path cert, Path key, String prefix, boolean delta,
                    boolean otel, Set<String> metaAttributes, Map<String, String> resource, boolean health) {

    static final String GRPC = "grpc";
    static final String HTTP = "http/protobuf";
    static final String DEFAULT_PREFIX = "mysql.";
    static final String DEFAULT_SERVICE_NAME = "blip";
    private static final String ENV = "OTEL_EXPORTER_OTLP_";
    private static final String GENERAL_ENDPOINT = ENV + "ENDPOINT";

    static final OptionSet OPTIONS = OptionSet.of(
            Option.string("endpoint", "Collector URL; for http/protobuf /v1/metrics is added when it has no path."
                    + " Default http://localhost:4318/v1/metrics (http/protobuf) or http://localhost:4317 (grpc)")
                    .env(variables("ENDPOINT")),
            Option.oneOf("protocol", "OTLP transport",
                    "grpc", "OTLP/gRPC",
                    "http/protobuf", "OTLP over HTTP, binary protobuf")
                    .withDefault(HTTP).env(variables("PROTOCOL")),
            Option.map("headers", "Request headers as key=value,key2=value2, values URL-encoded (API keys)")
                    .asSecret().env(variables("HEADERS")),
            Option.oneOf("compression", "Request compression",
                    "gzip", "gzip the request",
                    "none", "no compression")
                    .withDefault("none").env(variables("COMPRESSION")),
            Option.path("ca", "PEM file of CA certificates to trust instead of the JDK's")
                    .env(variables("CERTIFICATE")),
            Option.path("cert", "PEM client certificate for mutual TLS, with key")
                    .env(variables("CLIENT_CERTIFICATE")),
            Option.path("key", "PEM private key of cert").env(variables("CLIENT_KEY")),
            Option.bool("insecure", "An endpoint without a scheme uses http:// instead of https://")
                    .env(variables("INSECURE")),
            Option.string("metric-prefix", "Put before <domain>.<metric>").withDefault(DEFAULT_PREFIX),
            Option.oneOf("naming", "Metric names, attributes and units",
                    "blip", "<metric-prefix><domain>.<metric>, e.g. mysql.status.global.com_select",
                    "otel", "the OpenTelemetry Collector mysqlreceiver's for the metrics it also reads (e.g."
                            + " mysql.commands{command=select}, int Sums, its units); the others keep Blip's names,"
                            + " with units where known")
                    .withDefault("blip"),
            Option.oneOf("temporality", "How cumulative counters are sent",
                    "cumulative", "monotonic cumulative sums, start time from MySQL's uptime",
                    "delta", "changes since the last collection; the first sample and resets are dropped")
                    .withDefault("cumulative"),
            Option.list("meta-attributes", "Meta keys to send as data-point attributes, comma-separated"),
            Option.string("service-name", "Resource service.name").withDefault(DEFAULT_SERVICE_NAME)
                    .env("OTEL_SERVICE_NAME"),
            Option.map("resource-attributes", "Resource attributes for every monitor, key=value,...")
                    .env("OTEL_RESOURCE_ATTRIBUTES").environmentOnly(),
            Option.bool("health", "Send Blip's own metrics (blip.monitor.*, blip.sink.*) with the monitor's")
                    .withDefault("true"),
            // The delivery options every sink has, with the otlp sink's defaults and its earlier names. A request
            // waits 5 s at most, as the OpenTelemetry Collector's exporters (the SDK's 10 s would hold a backlog
            // twice as long behind a collector that never answers, and the flush at shutdown stops at 5 s anyway).
            Option.duration("send-timeout", "Most time one export request may take").withDefault("5s").positive()
                    .alias("timeout").env(variables("TIMEOUT")),
            Option.duration("send-retry-wait", "Most time before the first retry of a failed request; each retry"
                    + " may wait twice as long, with full jitter").withDefault("1s").positive().alias("retry-initial"),
            Option.duration("batch-delay", "Most time a collection waits for others to join its request")
                    .withDefault("200ms"));

    /** {@code OTEL_EXPORTER_OTLP_METRICS_<name>}, then {@code OTEL_EXPORTER_OTLP_<name>}. */
    private static String[] variables(String name) {
        return new String[] {ENV + "METRICS_" + name, ENV + name};
    }

    /**
     * The settings of a sink's checked options.
     *
     * @throws BlipException listing what the declaration cannot check: the endpoint, and TLS files
     *                       that cannot be read, are not PEM, or do not go together
     */
    static OtlpSettings of(Options options) {
        var problems = new ArrayList<String>();
        String protocol = options.string("protocol");
        String endpoint = endpoint(options, protocol, problems);
        Path ca = options.file("ca").orElse(null);
        Path cert = options.file("cert").orElse(null);
        Path key = options.file("key").orElse(null);
        tlsFiles(options, ca, cert, key, problems);
        if (endpoint.startsWith("http://") && (ca != null || cert != null)) {
            problems.add(options.where("endpoint") + ": '" + endpoint + "' is plain text, but TLS files are set;"
                    + " use https://");
        }
        if (!problems.isEmpty()) {
            throw new BlipException(String.join("; ", problems));
        }
        var resource = new LinkedHashMap<String, String>();
        resource.put("service.name", DEFAULT_SERVICE_NAME);
        resource.putAll(options.map("resource-attributes"));
        if (options.isSet("service-name") || !resource.containsKey("service.name")) {
            resource.put("service.name", options.string("service-name"));
        }
        return new OtlpSettings(protocol, endpoint, options.map("headers"), options.string("compression"),
                options.duration("send-timeout"), ca, cert, key, options.string("metric-prefix"),
                options.string("temporality").equals("delta"), options.string("naming").equals("otel"),
                new LinkedHashSet<>(options.list("meta-attributes")),
                resource, options.bool("health"));
    }

    /**
     * The endpoint URL. Without a scheme it is https, or http when insecure. For http/protobuf an
     * endpoint without a path gets {@code /v1/metrics}, and the general variable always does (as
     * the OTLP exporter spec says); the metrics variable is used as it is.
     */
    private static String endpoint(Options options, String protocol, List<String> problems) {
        boolean http = protocol.equals(HTTP);
        if (!options.has("endpoint")) {
            return http ? "http://localhost:4318/v1/metrics" : "http://localhost:4317";
        }
        String where = options.where("endpoint");
        String given = options.string("endpoint").trim();
        boolean insecure = options.bool("insecure");
        String text = given;
        if (!text.contains("://")) {
            text = (insecure ? "http://" : "https://") + text;
        } else if (insecure && text.startsWith("https://") && options.source("insecure") == Options.Source.CONFIG) {
            // Only the option contradicting the endpoint is a mistake: OTEL_EXPORTER_OTLP_INSECURE, often set
            // for every SDK on a host, only picks the scheme of an endpoint that has none (OTLP exporter spec).
            problems.add(options.pathOf("insecure") + ": true, but " + where + " '" + text
                    + "' uses TLS; remove insecure or use http://");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            problems.add(where + ": '" + given + "' is not a URL");
            return "";
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getUserInfo() != null) {
            problems.add(where + ": '" + given + "' is not an OTLP endpoint; write it like http://host:4318 or"
                    + " https://host:4317");
            return "";
        }
        if (!http) {
            return text;
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (where.equals(GENERAL_ENDPOINT)) {
            return stripSlash(text) + "/v1/metrics";
        }
        return path.isEmpty() || path.equals("/") ? stripSlash(text) + "/v1/metrics" : text;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * Reads the TLS files now, so that a file that is not PEM, or a key that is not the
     * certificate's or that the exporter cannot use, stops boot instead of failing every handshake.
     */
    private static void tlsFiles(Options options, Path ca, Path cert, Path key, List<String> problems) {
        if ((cert != null) != (key != null)) {
            problems.add(cert != null
                    ? options.where("cert") + ": '" + cert + "' is set without a key; set " + options.pathOf("key")
                            + " (or OTEL_EXPORTER_OTLP_CLIENT_KEY) to its private key, or remove the certificate"
                    : options.where("key") + ": '" + key + "' is set without a certificate; set "
                            + options.pathOf("cert") + " (or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE) to the client "
                            + "certificate of this key, or remove the key");
        }
        X509Certificate leaf = null;
        PrivateKey privateKey = null;
        try {
            if (ca != null) {
                Pem.certificates(ca);
            }
        } catch (PemException e) {
            problems.add(options.where("ca") + ": " + e.getMessage());
        }
        try {
            if (cert != null) {
                leaf = Pem.certificates(cert).getFirst();
            }
        } catch (PemException e) {
            problems.add(options.where("cert") + ": " + e.getMessage());
        }
        try {
            if (key != null) {
                privateKey = Pem.privateKey(key);
                String algorithm = privateKey.getAlgorithm();
                if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
                    problems.add(options.where("key") + ": the private key in '" + key + "' is an "
                            + (algorithm.equals("Ed25519") || algorithm.equals("Ed448") ? "EdDSA" : algorithm)
                            + " key, and the OTLP exporter takes RSA or EC keys only; use an RSA or EC key");
                    privateKey = null;
                }
            }
        } catch (PemException e) {
            problems.add(options.where("key") + ": " + e.getMessage());
        }
        if (leaf != null && privateKey != null && !Pem.matches(privateKey, leaf)) {
            problems.add(options.where("key") + ": the key in '" + key + "' is not the private key of the certificate"
                    + " in '" + cert + "' (" + leaf.getSubjectX500Principal() + "); give the key that was made with"
                    + " that certificate");
        }
    }

    /** For logs and status: the endpoint and header names only. */
    String describe() {
        return protocol + " " + endpoint + (headers.isEmpty() ? "" : " headers " + headers.keySet());
    }

    /** Names the endpoint and header names only: header values are secrets. */
    @Override
    public String toString() {
        return "OtlpSettings[" + describe() + "]";
    }
}
