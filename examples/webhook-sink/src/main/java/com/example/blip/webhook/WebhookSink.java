package com.example.blip.webhook;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.SendException;
import io.blip.api.sink.Sink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Encodes each collection as one JSON object on the monitor's thread; sends a batch as one array.
 * 429 and 5xx may pass (the runtime retries), any other refusal is for good.
 */
final class WebhookSink implements Sink<String> {
    private final URI url;
    private final Secret token;
    private final Duration timeout;
    private final HttpClient client;

    WebhookSink(String url, Secret token, Duration timeout) {
        this.url = URI.create(url);
        this.token = token;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public Encoder<String> encoder(MonitorConfig monitor) {
        return metrics -> {
            String json = json(metrics, monitor.tags());
            return new Encoder.Encoded<>(json, metrics.size(), json.length());
        };
    }

    @Override
    public void send(List<String> batch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", batch) + "]"));
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token.reveal());
        }
        HttpResponse<Void> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw SendException.retry(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw SendException.retry("HTTP " + status, null);
        }
        if (status >= 300) {
            throw SendException.reject("HTTP " + status, "HTTP " + status + " from " + url);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** The URL only: the token is a secret. */
    @Override
    public String toString() {
        return "webhook " + url;
    }

    static String json(Metrics m, Map<String, String> tags) {
        var b = new StringBuilder("{\"monitor\":").append(quote(m.monitorId()))
                .append(",\"level\":").append(quote(m.level()))
                .append(",\"ts\":").append(quote(m.begin().toString()))
                .append(",\"tags\":").append(object(tags))
                .append(",\"metrics\":[");
        String comma = "";
        for (Map.Entry<String, List<MetricValue>> domain : m.values().entrySet()) {
            for (MetricValue v : domain.getValue()) {
                b.append(comma).append("{\"name\":").append(quote(domain.getKey() + "." + v.name()))
                        .append(",\"value\":").append(v.value())
                        .append(",\"group\":").append(object(v.group())).append('}');
                comma = ",";
            }
        }
        return b.append("]}").toString();
    }

    private static String object(Map<String, String> map) {
        var b = new StringBuilder("{");
        String comma = "";
        for (Map.Entry<String, String> e : map.entrySet()) {
            b.append(comma).append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            comma = ",";
        }
        return b.append('}').toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
