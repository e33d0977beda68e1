package io.blip.sink.signalfx;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.sun.net.httpserver.HttpExchange;
import io.blip.testkit.FakeReceiver;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * SignalFx's ingest API on loopback: a real HTTP server on a random port that takes
 * {@code POST /v2/datapoint} as SignalFx documents it and checks what it gets: the token
 * ({@code X-SF-Token}: 401 when not the expected one), the JSON (parsed strictly; only the arrays
 * {@code gauge}, {@code counter} and {@code cumulative_counter}, each datapoint a {@code metric} name,
 * a numeric {@code value} (whole for a counter), string {@code dimensions} and a {@code timestamp} in
 * milliseconds: 400 with SignalFx's plain-text answer when not). Answers may be scripted: each scripted
 * answer is given to one request, before the checks; then 200 {@code "OK"}.
 */
final class FakeSignalFx implements AutoCloseable {
    static final Set<String> TYPES = Set.of("gauge", "counter", "cumulative_counter");
    private static final Set<String> POINT_KEYS = Set.of("metric", "value", "dimensions", "timestamp");

    /** A scripted answer: status, extra headers, body. */
    record Answer(int status, Map<String, String> headers, String body) {
        static Answer of(int status) {
            return new Answer(status, Map.of(), "scripted " + status);
        }

        Answer withHeader(String name, String value) {
            return new Answer(status, Map.of(name, value), body);
        }
    }

    /**
     * One datapoint as received, and the array it came in.
     */
    record Point(String type, JsonObject json) {
        String metric() {
            return json.get("metric").getAsString();
        }

        double value() {
            return json.get("value").getAsDouble();
        }

        long timestamp() {
            return json.get("timestamp").getAsLong();
        }

        Map<String, String> dimensions() {
            var out = new java.util.LinkedHashMap<String, String>();
            if (json.has("dimensions")) {
                json.getAsJsonObject("dimensions").entrySet().forEach(e -> out.put(e.getKey(),
                        e.getValue().getAsString()));
            }
            return out;
        }
    }

    /** One request as received: what was answered, its token, its datapoints (empty when refused), why refused. */
    record Received(int status, String token, List<Point> points, String problem) {
        boolean ok() {
            return status == 200;
        }
    }

    private final FakeReceiver<Answer, Received> http;
    private volatile String token;

    private FakeSignalFx(String token) throws IOException {
        this.token = token;
        http = FakeReceiver.start(this::handle);
    }

    /** An ingest API that takes this token only. */
    static FakeSignalFx start(String token) throws IOException {
        return new FakeSignalFx(token);
    }

    /** The base URL, for {@code ingest-url}. */
    String url() {
        return http.url();
    }

    FakeSignalFx script(Answer... answers) {
        http.script(answers);
        return this;
    }

    void expectToken(String token) {
        this.token = token;
    }

    List<Received> received() {
        return http.received();
    }

    /** The datapoints of every request answered 200, in order. */
    List<Point> delivered() {
        return http.received().stream().filter(Received::ok).flatMap(r -> r.points().stream()).toList();
    }

    List<Received> await(String what, Predicate<List<Received>> done, Duration wait)
            throws InterruptedException {
        return http.await(what, done, wait);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String got = exchange.getRequestHeaders().getFirst("X-SF-Token");
            Answer scripted = http.nextScripted();
            if (scripted != null) {
                answer(exchange, scripted.status(), scripted.headers(), scripted.body(),
                        new Received(scripted.status(), got, List.of(), "scripted"));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")
                    || !exchange.getRequestURI().getPath().equals("/v2/datapoint")) {
                answer(exchange, 404, Map.of(), "404 page not found", new Received(404, got, List.of(), "route"));
                return;
            }
            if (!token.equals(got)) {
                answer(exchange, 401, Map.of(), "Unauthorized", new Received(401, got, List.of(), "token"));
                return;
            }
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            try {
                if (!type.startsWith("application/json")) {
                    throw new IllegalArgumentException("Content-Type " + type + " is not application/json");
                }
                List<Point> points = parse(new String(body, StandardCharsets.UTF_8));
                answer(exchange, 200, Map.of(), "\"OK\"", new Received(200, got, points, ""));
            } catch (IllegalArgumentException e) {
                answer(exchange, 400, Map.of(), e.getMessage(), new Received(400, got, List.of(), e.getMessage()));
            }
        }
    }

    private void answer(HttpExchange exchange, int status, Map<String, String> headers, String body, Received r)
            throws IOException {
        http.answer(exchange, status, headers, body, r);
    }

    /** The datapoints of a body, checked; IllegalArgumentException says what is wrong. */
    static List<Point> parse(String json) {
        JsonElement root;
        try {
            var reader = new JsonReader(new StringReader(json));
            reader.setStrictness(Strictness.STRICT);
            root = JsonParser.parseReader(reader);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (!root.isJsonObject() || !TYPES.containsAll(root.getAsJsonObject().keySet())) {
            throw new IllegalArgumentException("the body is not {gauge, counter, cumulative_counter}: " + json);
        }
        var out = new ArrayList<Point>();
        for (var e : root.getAsJsonObject().entrySet()) {
            if (!e.getValue().isJsonArray()) {
                throw new IllegalArgumentException(e.getKey() + " is not an array");
            }
            for (JsonElement p : e.getValue().getAsJsonArray()) {
                out.add(new Point(e.getKey(), point(e.getKey(), p)));
            }
        }
        return out;
    }

    private static JsonObject point(String type, JsonElement e) {
        if (!(e instanceof JsonObject p) || !POINT_KEYS.containsAll(p.keySet())) {
            throw new IllegalArgumentException("a datapoint is not {metric, value, dimensions, timestamp}: " + e);
        }
        if (!isString(p.get("metric")) || p.get("metric").getAsString().isEmpty()) {
            throw new IllegalArgumentException("metric is not a name: " + p);
        }
        if (!isNumber(p.get("value")) || (type.equals("counter") && p.get("value").getAsString().contains("."))) {
            throw new IllegalArgumentException("value is not a number of a " + type + ": " + p);
        }
        if (!isNumber(p.get("timestamp")) || p.get("timestamp").getAsString().contains(".")
                || p.get("timestamp").getAsLong() < 1_000_000_000_000L) {
            throw new IllegalArgumentException("timestamp is not milliseconds since the epoch: " + p);
        }
        if (p.has("dimensions") && !(p.get("dimensions") instanceof JsonObject d
                && d.entrySet().stream().allMatch(x -> isString(x.getValue())))) {
            throw new IllegalArgumentException("dimensions is not an object of strings: " + p);
        }
        return p;
    }

    private static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private static boolean isNumber(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
    }

    @Override
    public void close() {
        http.close();
    }
}
