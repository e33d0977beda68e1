package io.blip.sink.otlp;

import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.SendException;
import io.blip.api.sink.Sink;
import io.blip.api.time.Time;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One otlp sink configuration: one OpenTelemetry exporter, shared by every monitor whose options
 * are equal. Each monitor's collections are mapped on its own thread ({@link MetricMapper} keeps the
 * monitor's per-series state); a send exports one batch of many monitors' collections and tells the
 * runtime whether a failure may pass: no answer, a refused connection, HTTP 429, 502, 503, 504 and the
 * retryable gRPC codes may; any other HTTP status or gRPC code is a refusal. Over HTTP the answer's
 * {@code Retry-After} travels with the failure ({@link JdkHttpSender}); gRPC has no such header.
 */
final class OtlpSink implements Sink<List<MetricData>> {
    /**
     * How long past a request's timeout to wait for the exporter to end it: the exporter's own
     * timeout then says why, and an answer in that moment is not sent twice.
     */
    private static final Duration ANSWER_GRACE = Duration.ofSeconds(1);
    /** What the OTLP spec calls retryable for gRPC. */
    private static final Set<GrpcStatusCode> GRPC_RETRYABLE = Set.of(GrpcStatusCode.CANCELLED,
            GrpcStatusCode.DEADLINE_EXCEEDED, GrpcStatusCode.RESOURCE_EXHAUSTED, GrpcStatusCode.ABORTED,
            GrpcStatusCode.OUT_OF_RANGE, GrpcStatusCode.UNAVAILABLE, GrpcStatusCode.DATA_LOSS);
    private static final Set<Integer> HTTP_RETRYABLE = Set.of(429, 502, 503, 504);
    /** The kind of refusal of a request over the collector's size limit. */
    private static final String TOO_LARGE = "HTTP 413";

    private final OtlpSettings settings;
    private final Map<String, CollectorHelp> domains;
    private final MetricExporter exporter;
    private final Time time;
    /** The most estimated bytes of one request ({@link Requests#budget}). */
    private final long budget;

    /** @param time what a {@code Retry-After} date is measured from */
    OtlpSink(OtlpSettings settings, Map<String, CollectorHelp> domains, MetricExporter exporter, Time time) {
        this.settings = settings;
        this.domains = Map.copyOf(domains);
        this.exporter = exporter;
        this.time = time;
        this.budget = Requests.budget(settings.protocol());
    }

    /** The monitor's mapper (and, unless {@code health} is false, its mapper of Blip's own metrics). */
    @Override
    public Encoder<List<MetricData>> encoder(MonitorConfig monitor) {
        var mapper = new MetricMapper(settings.prefix(), settings.delta(), settings.otel(), settings.metaAttributes(),
                resource(monitor, settings.resource()), domains);
        HealthMapper health = settings.health() ? new HealthMapper(mapper.resource()) : null;
        return new Encoder<>() {
            @Override
            public Encoded<List<MetricData>> encode(Metrics metrics) {
                return encoded(mapper.map(metrics));
            }

            @Override
            public Encoded<List<MetricData>> encode(MonitorHealth snapshot) {
                return health == null ? null : encoded(health.map(snapshot));
            }
        };
    }

    private static Encoder.Encoded<List<MetricData>> encoded(List<MetricData> data) {
        int points = data.stream().mapToInt(d -> d.getData().getPoints().size()).sum();
        return points == 0 ? null : new Encoder.Encoded<>(data, points, EncodedSize.of(data));
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
        if (!monitor.address().isSocket() && !monitor.address().host().isEmpty()) {
            b.put("server.address", monitor.address().host());
            b.put("server.port", (long) monitor.address().port());
        }
        b.put("blip.monitor.id", monitor.id());
        monitor.tags().forEach(b::put);
        return Resource.create(b.build());
    }

    /**
     * Exports the batch in as many requests as its size needs ({@link Requests}), one after another.
     * A failure ends the send: a retry sends every request of the batch again, so a collector that took
     * the first may get them twice (a point again at the same time, which backends keep once).
     */
    @Override
    public void send(List<List<MetricData>> batch) throws SendException {
        List<MetricData> data = new ArrayList<>();
        batch.forEach(data::addAll);
        for (List<MetricData> request : Requests.split(data, budget)) {
            export(request);
        }
    }

    /** Exports one request; one the collector finds too large (HTTP 413) is sent again in halves. */
    private void export(List<MetricData> request) throws SendException {
        SendException failure = exportOnce(request);
        if (failure == null) {
            return;
        }
        List<List<MetricData>> halves = TOO_LARGE.equals(failure.kind()) ? Requests.halve(request) : List.of();
        if (halves.size() < 2) {
            throw failure;
        }
        for (List<MetricData> half : halves) {
            export(half);
        }
    }

    /** The failure of one export request, or null when the collector took it. */
    private SendException exportOnce(List<MetricData> request) {
        CompletableResultCode result;
        try {
            result = exporter.export(request);
            // The exporter's own timeout ends the request; a moment more lets it say so.
            result.join(settings.timeout().plus(ANSWER_GRACE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return SendException.retry(describe(e), null);
        }
        if (!result.isDone()) {
            return SendException.retry("no answer within " + settings.timeout().toMillis() + " ms", null);
        }
        return result.isSuccess() ? null : failure(result.getFailureThrowable(), time.now());
    }

    /**
     * Sorts a failure into retry or refusal by the HTTP status or gRPC status the collector answered;
     * a {@code Retry-After} date is measured from {@code now}.
     */
    static SendException failure(Throwable t, Instant now) {
        if (t instanceof FailedExportException.HttpExportException h && h.failedWithResponse()) {
            int code = h.getResponse().getStatusCode();
            String message = h.getResponse().getStatusMessage();
            String why = "HTTP " + code + (message == null || message.isEmpty() ? "" : " " + message);
            Duration after = h.getResponse() instanceof JdkHttpSender.Response r ? r.retryAfter(now).orElse(null) : null;
            return HTTP_RETRYABLE.contains(code) ? SendException.retry(why, after)
                    : SendException.reject("HTTP " + code, why);
        }
        if (t instanceof FailedExportException.GrpcExportException g && g.failedWithResponse()) {
            GrpcStatusCode code = g.getResponse().getStatusCode();
            String description = g.getResponse().getStatusDescription();
            String why = "gRPC " + code + (description == null || description.isEmpty() ? "" : " " + description);
            return GRPC_RETRYABLE.contains(code) ? SendException.retry(why, null)
                    : SendException.reject("gRPC " + code, why);
        }
        Throwable cause = t instanceof FailedExportException && t.getCause() != null ? t.getCause() : t;
        return SendException.retry(cause == null ? "export failed" : describe(cause), null);
    }

    /** The exception's kind and message; the kind alone when it has none (the JDK's ConnectException). */
    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + message;
    }

    @Override
    public void close() {
        exporter.shutdown().join(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return "otlp " + describe();
    }

    /** The protocol, the endpoint and the header names (their values are secrets). */
    @Override
    public String describe() {
        return settings.describe();
    }
}
