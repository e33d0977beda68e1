package io.blip.sink.datadog;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.sun.net.httpserver.HttpExchange;
import io.blip.testkit.FakeReceiver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Datadog's metrics intake on loopback: a real HTTP server on a random port that takes
 * {@code POST /api/v2/series} as Datadog documents it, and checks what it gets as Datadog would: the
 * keys ({@code DD-API-KEY}, {@code DD-APPLICATION-KEY}: 403 when not the expected ones), the JSON
 * (parsed strictly; the v2 series schema, every field of the right type and none unknown: 400 with
 * Datadog's {@code {"errors":[...]}} when not), gzip, and the size of a request (413 over
 * {@value #MAX_PAYLOAD} bytes as sent, or over a smaller cap a test sets). Answers may be scripted:
 * each scripted answer is given to one request, before the checks; then 202.
 */
final class FakeDatadog implements AutoCloseable {
    static final int MAX_PAYLOAD = 512_000;
    static final int MAX_DECOMPRESSED = 5_242_880;
    private static final Set<String> SERIES_KEYS = Set.of("metric", "type", "points", "tags", "resources", "unit",
            "interval", "source_type_name", "metadata");

    /** A scripted answer: status, extra headers, body; {@code before} runs when it is given. */
    record Answer(int status, Map<String, String> headers, String body, Runnable before) {
        static Answer of(int status) {
            return new Answer(status, Map.of(), "{\"errors\":[\"scripted " + status + "\"]}", () -> { });
        }

        Answer withHeader(String name, String value) {
            var h = new TreeMap<>(headers);
            h.put(name, value);
            return new Answer(status, h, body, before);
        }

        Answer withBody(String text) {
            return new Answer(status, headers, text, before);
        }

        Answer before(Runnable action) {
            return new Answer(status, headers, body, action);
        }
    }

    /**
     * One request as received.
     *
     * @param status   what the fake answered
     * @param apiKey   its DD-API-KEY
     * @param appKey   its DD-APPLICATION-KEY
     * @param encoding its Content-Encoding, empty for none
     * @param bytes    its body's size as sent
     * @param series   the series, parsed; empty when the body was not valid
     * @param problem  why the fake refused it (400, 413), or empty
     */
    record Received(int status, String apiKey, String appKey, String encoding, int bytes, List<JsonObject> series,
                    String problem) {
        boolean ok() {
            return status == 202;
        }
    }

    private final FakeReceiver<Answer, Received> http;
    private volatile String apiKey;
    private volatile String appKey;
    private volatile int maxPayload = MAX_PAYLOAD;

    private FakeDatadog(String apiKey, String appKey) throws IOException {
        this.apiKey = apiKey;
        this.appKey = appKey;
        http = FakeReceiver.start(this::handle);
    }

    /** An intake that takes these keys only. */
    static FakeDatadog start(String apiKey, String appKey) throws IOException {
        return new FakeDatadog(apiKey, appKey);
    }

    /** The base URL, for {@code api-url}. */
    String url() {
        return http.url();
    }

    /** Answers the next requests so, one each, in order. */
    FakeDatadog script(Answer... answers) {
        http.script(answers);
        return this;
    }

    /** Takes these keys from now on. */
    void expectKeys(String api, String app) {
        apiKey = api;
        appKey = app;
    }

    /** Refuses as too large any request of more bytes than this, as sent. */
    void maxPayload(int bytes) {
        maxPayload = bytes;
    }

    List<Received> received() {
        return http.received();
    }

    /** The series of every request answered 202, in order. */
    List<JsonObject> delivered() {
        return http.received().stream().filter(Received::ok).flatMap(r -> r.series().stream()).toList();
    }

    /** Waits until what was received satisfies {@code done}; fails after {@code wait}. */
    List<Received> await(String what, Predicate<List<Received>> done, Duration wait)
            throws InterruptedException {
        return http.await(what, done, wait);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String api = header(exchange, "DD-API-KEY");
            String app = header(exchange, "DD-APPLICATION-KEY");
            String encoding = header(exchange, "Content-Encoding");
            Answer scripted = http.nextScripted();
            if (scripted != null) {
                scripted.before().run();
                answer(exchange, scripted.status(), scripted.headers(), scripted.body(),
                        new Received(scripted.status(), api, app, encoding, body.length, List.of(), "scripted"));
                return;
            }
            String problem = requestProblem(exchange);
            if (problem != null) {
                answer(exchange, 404, Map.of(), "{\"errors\":[\"" + problem + "\"]}",
                        new Received(404, api, app, encoding, body.length, List.of(), problem));
                return;
            }
            if (!api.equals(apiKey) || !app.equals(appKey)) {
                answer(exchange, 403, Map.of(), "{\"errors\":[\"Forbidden\"]}",
                        new Received(403, api, app, encoding, body.length, List.of(), "keys"));
                return;
            }
            if (body.length > maxPayload) {
                answer(exchange, 413, Map.of(), "{\"errors\":[\"Payload too large\"]}",
                        new Received(413, api, app, encoding, body.length, List.of(), "too large"));
                return;
            }
            List<JsonObject> series = new ArrayList<>();
            try {
                series = parse(decode(body, encoding));
            } catch (IllegalArgumentException | IOException e) {
                String why = String.valueOf(e.getMessage()).replace("\"", "'");
                answer(exchange, 400, Map.of(), "{\"errors\":[\"" + why + "\"]}",
                        new Received(400, api, app, encoding, body.length, List.of(), why));
                return;
            }
            answer(exchange, 202, Map.of(), "{\"errors\":[]}",
                    new Received(202, api, app, encoding, body.length, series, ""));
        }
    }

    private static String requestProblem(HttpExchange exchange) {
        if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/api/v2/series")) {
            return "no route " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        }
        if (!header(exchange, "Content-Type").startsWith("application/json")) {
            return "Content-Type is not application/json";
        }
        return null;
    }

    private static String header(HttpExchange exchange, String name) {
        String v = exchange.getRequestHeaders().getFirst(name);
        return v == null ? "" : v;
    }

    /** Datadog's answers are JSON, scripted ones too. */
    private void answer(HttpExchange exchange, int status, Map<String, String> headers, String body, Received r)
            throws IOException {
        var json = new java.util.LinkedHashMap<>(headers);
        json.put("Content-Type", "application/json");
        http.answer(exchange, status, json, body, r);
    }

    private static String decode(byte[] body, String encoding) throws IOException {
        byte[] json = switch (encoding) {
            case "" -> body;
            case "gzip" -> {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    yield in.readNBytes(MAX_DECOMPRESSED + 1);
                }
            }
            default -> throw new IllegalArgumentException("Content-Encoding " + encoding + " is not gzip");
        };
        if (json.length > MAX_DECOMPRESSED) {
            throw new IllegalArgumentException("decompressed payload over " + MAX_DECOMPRESSED + " bytes");
        }
        return new String(json, StandardCharsets.UTF_8);
    }

    /** The series of a v2 payload, checked against the schema; IllegalArgumentException says what is wrong. */
    static List<JsonObject> parse(String json) {
        JsonElement root;
        try {
            var reader = new JsonReader(new StringReader(json));
            reader.setStrictness(Strictness.STRICT);
            root = JsonParser.parseReader(reader);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (!root.isJsonObject() || !root.getAsJsonObject().keySet().equals(Set.of("series"))
                || !root.getAsJsonObject().get("series").isJsonArray()) {
            throw new IllegalArgumentException("the payload is not {\"series\":[...]}");
        }
        var out = new ArrayList<JsonObject>();
        for (JsonElement e : root.getAsJsonObject().getAsJsonArray("series")) {
            out.add(series(e));
        }
        return out;
    }

    private static JsonObject series(JsonElement e) {
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("a series is not an object: " + e);
        }
        JsonObject s = e.getAsJsonObject();
        for (String key : s.keySet()) {
            if (!SERIES_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown field " + key + " in " + s);
            }
        }
        if (!isString(s.get("metric")) || s.get("metric").getAsString().isEmpty()) {
            throw new IllegalArgumentException("metric is not a name: " + s);
        }
        if (s.has("type") && !(s.get("type").isJsonPrimitive() && s.get("type").getAsJsonPrimitive().isNumber()
                && Set.of(0, 1, 2, 3).contains(s.get("type").getAsInt()))) {
            throw new IllegalArgumentException("type is not 0, 1, 2 or 3: " + s);
        }
        if (!(s.get("points") instanceof JsonArray points) || points.isEmpty()) {
            throw new IllegalArgumentException("points is not a non-empty array: " + s);
        }
        for (JsonElement p : points) {
            if (!p.isJsonObject() || !p.getAsJsonObject().keySet().equals(Set.of("timestamp", "value"))
                    || !isNumber(p.getAsJsonObject().get("value"))
                    || !isNumber(p.getAsJsonObject().get("timestamp"))
                    || p.getAsJsonObject().get("timestamp").getAsString().contains(".")) {
                throw new IllegalArgumentException("a point is not {timestamp: seconds, value: number}: " + p);
            }
        }
        if (s.has("tags") && !(s.get("tags") instanceof JsonArray tags && tags.asList().stream().allMatch(FakeDatadog::isString))) {
            throw new IllegalArgumentException("tags is not an array of strings: " + s);
        }
        if (s.has("resources")) {
            if (!(s.get("resources") instanceof JsonArray resources)) {
                throw new IllegalArgumentException("resources is not an array: " + s);
            }
            for (JsonElement r : resources) {
                if (!r.isJsonObject() || !r.getAsJsonObject().keySet().equals(Set.of("name", "type"))
                        || !isString(r.getAsJsonObject().get("name")) || !isString(r.getAsJsonObject().get("type"))) {
                    throw new IllegalArgumentException("a resource is not {name, type}: " + r);
                }
            }
        }
        return s;
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
