package io.blip.sink.pushgateway;

import com.sun.net.httpserver.HttpExchange;
import io.blip.testkit.FakeReceiver;
import io.blip.testkit.PromText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A Prometheus Pushgateway on loopback: a real HTTP server on a random port that takes
 * {@code POST /metrics/job/<job>[/<label>/<value>...]} as the Pushgateway does and checks the body
 * with a real Prometheus text parser ({@link PromText}, the official Python client's): 400 with the
 * parser's words when it is not the text format, or when a sample carries a timestamp (which the
 * Pushgateway refuses). Answers may be scripted: each scripted answer is given to one request, before
 * the checks; then 200.
 */
final class FakePushgateway implements AutoCloseable {

    /** One request: status answered, path (the group), Content-Type, body, the families parsed (empty when refused), why refused. */
    record Received(int status, String path, String contentType, String text, List<PromText.Family> families,
                    String problem) {
        boolean ok() {
            return status == 200;
        }
    }

    private final FakeReceiver<Integer, Received> http;

    private FakePushgateway() throws IOException {
        http = FakeReceiver.start(this::handle);
    }

    static FakePushgateway start() throws IOException {
        return new FakePushgateway();
    }

    /** The base URL, for {@code addr}. */
    String url() {
        return http.url();
    }

    FakePushgateway script(Integer... statuses) {
        http.script(statuses);
        return this;
    }

    List<Received> received() {
        return http.received();
    }

    List<Received> await(String what, Predicate<List<Received>> done, Duration wait)
            throws InterruptedException {
        return http.await(what, done, wait);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            Integer scripted = http.nextScripted();
            if (scripted != null) {
                answer(exchange, scripted, "scripted " + scripted, new Received(scripted, path, type, text, List.of(),
                        "scripted"));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST") || !path.matches("/metrics/job/[^/]+(/[^/]+/[^/]*)*")) {
                answer(exchange, 404, "404 page not found", new Received(404, path, type, text, List.of(), "route"));
                return;
            }
            try {
                if (!type.startsWith("text/plain; version=0.0.4")) {
                    throw new IllegalArgumentException("Content-Type " + type + " is not the text format 0.0.4");
                }
                List<PromText.Family> families = PromText.parse(text);
                if (text.lines().filter(l -> !l.startsWith("#")).anyMatch(l -> l.trim().split(" +").length > 2)) {
                    throw new IllegalArgumentException("pushed metrics are invalid or inconsistent with existing"
                            + " metrics: a sample has a timestamp");
                }
                answer(exchange, 200, "", new Received(200, path, type, text, families, ""));
            } catch (IllegalArgumentException e) {
                answer(exchange, 400, e.getMessage(), new Received(400, path, type, text, List.of(), e.getMessage()));
            }
        }
    }

    private void answer(HttpExchange exchange, int status, String body, Received r) throws IOException {
        http.answer(exchange, status, Map.of(), body, r);
    }

    /** Families by name of one request. */
    static Map<String, PromText.Family> byName(Received r) {
        var out = new java.util.LinkedHashMap<String, PromText.Family>();
        r.families().forEach(f -> out.put(f.name(), f));
        return out;
    }

    @Override
    public void close() {
        http.close();
    }
}
