package io.blip.sink.otlp;

import io.blip.api.sink.Answers;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The OTLP/HTTP exporter's transport, on the JDK's HTTP client instead of OkHttp, so that a failed
 * request's {@code Retry-After} reaches the delivery: OpenTelemetry's {@link HttpResponse} has the
 * status but no headers, so each {@link Response} here carries the header's wait. Plugged in through
 * the exporter's public sender SPI ({@link #loader}); the exporter still encodes, compresses, sets
 * the headers and builds the TLS context.
 */
final class JdkHttpSender implements HttpSender {
    private final HttpSenderConfig config;
    private final HttpClient client;

    /** A response with its {@code Retry-After} header, if it has one. */
    record Response(int getStatusCode, String getStatusMessage, byte[] getResponseBody, Optional<String> retryAfter)
            implements HttpResponse {

        /** The wait its {@code Retry-After} asks for from {@code now}; empty when it has none or it is unreadable. */
        Optional<Duration> retryAfter(Instant now) {
            return retryAfter.flatMap(v -> Answers.retryAfter(v, now));
        }
    }

    private JdkHttpSender(HttpSenderConfig config) {
        this.config = config;
        var b = HttpClient.newBuilder().connectTimeout(config.getConnectTimeout());
        if (config.getSslContext() != null) {
            b.sslContext(config.getSslContext());
        }
        if (config.getProxyOptions() != null) {
            b.proxy(config.getProxyOptions().getProxySelector());
        }
        if (config.getExecutorService() != null) {
            b.executor(config.getExecutorService());
        }
        // Plain text: HTTP/1.1 as OkHttp does, without the JDK client's h2c upgrade attempt.
        if ("http".equals(config.getEndpoint().getScheme())) {
            b.version(HttpClient.Version.HTTP_1_1);
        }
        this.client = b.build();
    }

    /** Finds this sender for {@link HttpSenderProvider}, and everything else where OpenTelemetry would. */
    static ComponentLoader loader() {
        ComponentLoader otel = ComponentLoader.forClassLoader(JdkHttpSender.class.getClassLoader());
        HttpSenderProvider provider = JdkHttpSender::new;
        return new ComponentLoader() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> Iterable<T> load(Class<T> type) {
                return type == HttpSenderProvider.class ? List.of((T) provider) : otel.load(type);
            }
        };
    }

    @Override
    public void send(MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        var body = new ByteArrayOutputStream(Math.max(writer.getContentLength(), 32));
        try (OutputStream out = config.getCompressor() == null ? body : config.getCompressor().compress(body)) {
            writer.writeMessage(out);
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        var request = HttpRequest.newBuilder(config.getEndpoint())
                .timeout(config.getTimeout())
                .header("Content-Type", config.getContentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (config.getCompressor() != null) {
            request.header("Content-Encoding", config.getCompressor().getEncoding());
        }
        var headers = config.getHeadersSupplier() == null ? null : config.getHeadersSupplier().get();
        if (headers != null) {
            headers.forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        }
        client.sendAsync(request.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray())
                .whenComplete((response, error) -> {
                    if (error != null) {
                        onError.accept(error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error);
                    } else {
                        onResponse.accept(new Response(response.statusCode(), "", response.body(),
                                response.headers().firstValue("Retry-After")));
                    }
                });
    }

    @Override
    public CompletableResultCode shutdown() {
        client.shutdownNow();
        return CompletableResultCode.ofSuccess();
    }
}
