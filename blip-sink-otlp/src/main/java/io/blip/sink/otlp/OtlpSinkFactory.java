package io.blip.sink.otlp;

import io.blip.api.BlipException;
import io.blip.api.collect.OptionHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code otlp} sink: metrics to an OpenTelemetry collector over OTLP (gRPC or http/protobuf).
 * Monitors whose sinks have the same effective exporter settings share one exporter, so the
 * collections of many monitors go out in few requests.
 */
public final class OtlpSinkFactory implements SinkFactory {
    private static final Map<String, OptionHelp> OPTIONS = options(
            OptionHelp.of("endpoint", "Collector URL; for http/protobuf /v1/metrics is added when it has no path. "
                    + "Default http://localhost:4318/v1/metrics (http/protobuf) or http://localhost:4317 (grpc), "
                    + "or OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT", ""),
            OptionHelp.oneOf("protocol", "OTLP transport (or OTEL_EXPORTER_OTLP_[METRICS_]PROTOCOL)", "http/protobuf",
                    "grpc", "OTLP/gRPC", "http/protobuf", "OTLP over HTTP, binary protobuf"),
            new OptionHelp("headers", "Request headers as key=value,key2=value2, values URL-encoded (API keys; "
                    + "or OTEL_EXPORTER_OTLP_[METRICS_]HEADERS)", "", Map.of(), true),
            OptionHelp.oneOf("compression", "Request compression (or OTEL_EXPORTER_OTLP_[METRICS_]COMPRESSION)",
                    "none", "gzip", "gzip the request", "none", "no compression"),
            OptionHelp.of("timeout", "Most time one export request may take (or OTEL_EXPORTER_OTLP_[METRICS_]TIMEOUT "
                    + "in ms)", "10s"),
            OptionHelp.of("ca", "PEM file of CA certificates to trust instead of the JDK's "
                    + "(or OTEL_EXPORTER_OTLP_[METRICS_]CERTIFICATE)", ""),
            OptionHelp.of("cert", "PEM client certificate for mutual TLS, with key "
                    + "(or OTEL_EXPORTER_OTLP_[METRICS_]CLIENT_CERTIFICATE)", ""),
            OptionHelp.of("key", "PEM private key of cert (or OTEL_EXPORTER_OTLP_[METRICS_]CLIENT_KEY)", ""),
            OptionHelp.oneOf("insecure", "An endpoint without a scheme uses http:// instead of https:// "
                    + "(or OTEL_EXPORTER_OTLP_[METRICS_]INSECURE)", "false",
                    "true", "plain text", "false", "TLS"),
            OptionHelp.of("metric-prefix", "Put before <domain>.<metric>", OtlpSettings.DEFAULT_PREFIX),
            OptionHelp.oneOf("temporality", "How cumulative counters are sent", "cumulative",
                    "cumulative", "monotonic cumulative sums, start time from MySQL's uptime",
                    "delta", "changes since the last collection; the first sample and resets are dropped"),
            OptionHelp.of("meta-attributes", "Meta keys to send as data-point attributes, comma-separated", ""),
            OptionHelp.of("service-name", "Resource service.name (or OTEL_SERVICE_NAME)",
                    OtlpSettings.DEFAULT_SERVICE_NAME),
            OptionHelp.of("batch-size", "Data points that make a full export request; collections of monitors "
                    + "that share the exporter go out together", String.valueOf(OtlpSettings.DEFAULT_BATCH_SIZE)),
            OptionHelp.of("batch-delay", "Most time a collection waits for others to join its request", "200ms"),
            OptionHelp.of("buffer-size", "Collections of this monitor kept while the collector is down or slow; "
                    + "past that the oldest are dropped", String.valueOf(OtlpSettings.DEFAULT_BUFFER_SIZE)),
            OptionHelp.of("buffer-bytes", "Also keep at most this many bytes (estimated, encoded) of them, e.g. "
                    + "16MiB; past that the oldest are dropped. Empty: no byte budget", ""),
            OptionHelp.oneOf("health", "Send Blip's own metrics (blip.monitor.*, blip.sink.*) with the monitor's",
                    "true", "true", "send them", "false", "do not"),
            OptionHelp.of("retry-initial", "Most time before the first retry of a failed request; each retry "
                    + "may wait twice as long, with full jitter", "1s"),
            OptionHelp.of("retry-max", "Most time between retries", "30s"));

    private final Map<String, String> env;
    private final Exporters exporters = new Exporters();

    public OtlpSinkFactory() {
        this(System.getenv());
    }

    /** For tests: the environment the standard OTEL_* variables are read from. */
    OtlpSinkFactory(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public String name() {
        return "otlp";
    }

    @Override
    public String description() {
        return "Sends metrics to an OpenTelemetry collector over OTLP (gRPC or http/protobuf)";
    }

    @Override
    public Map<String, OptionHelp> options() {
        return OPTIONS;
    }

    @Override
    public Sink make(SinkContext context) {
        OtlpSettings settings = OtlpSettings.parse(context.options(), env);
        var mapper = new MetricMapper(settings.prefix(), settings.delta(), settings.metaAttributes(),
                resource(context.monitor(), settings.resource()), context.domains());
        try {
            return new OtlpSink(context.monitorId(), mapper, settings.health() ? new HealthMapper(mapper.resource()) : null,
                    exporters.acquire(settings.exporter()), exporters, settings);
        } catch (RuntimeException e) {
            throw new BlipException(context.options().path() + ": cannot make the OTLP exporter for "
                    + settings.exporter() + ": " + e.getMessage(), e);
        }
    }

    /** The exporters open now; for tests. */
    int openExporters() {
        return exporters.size();
    }

    /**
     * The monitor's resource: the environment's attributes and service.name, then what Blip knows
     * of the monitor, then its tags (the most explicit config wins).
     */
    static Resource resource(MonitorConfig monitor, Map<String, String> fromEnv) {
        AttributesBuilder b = Attributes.builder();
        fromEnv.forEach(b::put);
        b.put("service.instance.id", monitor.id());
        b.put("db.system.name", "mysql");
        if (monitor.mysql().socket().isEmpty() && !monitor.mysql().hostname().isEmpty()) {
            b.put("server.address", monitor.mysql().host());
            b.put("server.port", (long) monitor.mysql().port());
        }
        b.put("blip.monitor.id", monitor.id());
        monitor.tags().forEach(b::put);
        return Resource.create(b.build());
    }

    private static Map<String, OptionHelp> options(OptionHelp... all) {
        var out = new LinkedHashMap<String, OptionHelp>();
        for (OptionHelp o : all) {
            out.put(o.name(), o);
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
