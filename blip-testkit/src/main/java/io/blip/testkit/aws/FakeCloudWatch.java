package io.blip.testkit.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudWatch endpoint on loopback that answers {@code GetMetricData} the way the AWS SDK for
 * Java 2.41 asks for it: Smithy RPC v2 CBOR ({@code POST /service/GraniteServiceVersion20100801/operation/GetMetricData},
 * {@code Content-Type: application/cbor}, {@code smithy-protocol: rpc-v2-cbor}), timestamps as CBOR
 * tag 1. Point the SDK at it with {@code AWS_ENDPOINT_URL_CLOUDWATCH} or the system property
 * {@code aws.endpointUrlCloudWatch}.
 *
 * <p>It keeps datapoints by namespace, dimensions and metric name ({@link #put}), answers each
 * query with those in {@code [StartTime, EndTime)} in the asked order, checks what CloudWatch checks
 * (query ids, period, stat), records every request, and can throttle, deny, fail or stall.
 */
public final class FakeCloudWatch implements AutoCloseable {
    public static final String PATH = "/service/GraniteServiceVersion20100801/operation/GetMetricData";
    public static final String RDS_NAMESPACE = "AWS/RDS";
    public static final String RDS_DIMENSION = "DBInstanceIdentifier";

    private static final Pattern QUERY_ID = Pattern.compile("^[a-z][a-zA-Z0-9_]*$");
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/");

    /** What a call gets instead of an answer. */
    public enum Fault {
        /** 400 {@code Throttling} (the SDK retries it). */
        THROTTLE,
        /** 403 {@code AccessDenied}. */
        ACCESS_DENIED,
        /** 500 {@code InternalFailure}. */
        SERVER_ERROR,
        /** Reads the request and never answers (until {@link #close}). */
        STALL
    }

    /**
     * One request as received.
     *
     * @param region  the region of the SigV4 credential scope
     * @param headers request headers, names in lowercase, first value
     * @param body    the decoded CBOR body
     */
    public record Request(String region, Map<String, String> headers, Map<String, Object> body) {
        /** The {@code MetricDataQueries}. */
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> queries() {
            return (List<Map<String, Object>>) body.getOrDefault("MetricDataQueries", List.of());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, NavigableMap<Instant, Double>> series = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private volatile int resultsPerPage = Integer.MAX_VALUE;

    private FakeCloudWatch() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a fake on a free loopback port. */
    public static FakeCloudWatch start() throws IOException {
        return new FakeCloudWatch();
    }

    /** {@code http://127.0.0.1:<port>}: the value for {@code aws.endpointUrlCloudWatch}. */
    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    /** Adds an {@code AWS/RDS} datapoint for the instance. */
    public FakeCloudWatch put(String dbInstanceId, String metricName, Instant timestamp, double value) {
        return put(RDS_NAMESPACE, Map.of(RDS_DIMENSION, dbInstanceId), metricName, timestamp, value);
    }

    /** Adds a datapoint to the series of the namespace, dimensions and metric name. */
    public FakeCloudWatch put(String namespace, Map<String, String> dimensions, String metricName, Instant timestamp,
                              double value) {
        series.computeIfAbsent(key(namespace, dimensions, metricName), k -> new ConcurrentSkipListMap<>())
                .put(timestamp, value);
        return this;
    }

    /** Every following call fails this way; {@code null} answers again. */
    public void fault(Fault f) {
        fault.set(f);
    }

    /** Answers at most this many query results per page, with a {@code NextToken} for the rest. */
    public void resultsPerPage(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("results per page: " + n);
        }
        resultsPerPage = n;
    }

    /** The number of requests received (each SDK retry is one). */
    public int calls() {
        return requests.size();
    }

    /** The requests received, oldest first. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
            Map<String, Object> body;
            try {
                body = raw.length == 0 ? Map.of() : asMap(Cbor.decode(raw));
            } catch (RuntimeException e) {
                error(exchange, 400, "SerializationException", "cannot decode the CBOR body: " + e.getMessage());
                return;
            }
            requests.add(new Request(region(headers.getOrDefault("authorization", "")), headers, body));
            if (!"POST".equals(exchange.getRequestMethod()) || !PATH.equals(exchange.getRequestURI().getPath())) {
                error(exchange, 404, "UnknownOperationException", "only GetMetricData is faked: POST " + PATH);
                return;
            }
            if (!"rpc-v2-cbor".equals(headers.get("smithy-protocol"))) {
                error(exchange, 400, "SerializationException", "expected header smithy-protocol: rpc-v2-cbor");
                return;
            }
            Fault f = fault.get();
            if (f != null) {
                answerWith(exchange, f);
                return;
            }
            Object answer;
            try {
                answer = answer(body);
            } catch (IllegalArgumentException e) {
                error(exchange, 400, "ValidationError", e.getMessage());
                return;
            }
            send(exchange, 200, Cbor.encode(answer), Map.of());
        }
    }

    private void answerWith(HttpExchange exchange, Fault f) throws IOException {
        switch (f) {
            case THROTTLE -> error(exchange, 400, "Throttling", "Rate exceeded");
            case ACCESS_DENIED -> error(exchange, 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/blip-test "
                    + "is not authorized to perform: cloudwatch:GetMetricData");
            case SERVER_ERROR -> error(exchange, 500, "InternalFailure", "internal failure");
            case STALL -> {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private Map<String, Object> answer(Map<String, Object> body) {
        Instant start = instant(body, "StartTime");
        Instant end = instant(body, "EndTime");
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("The parameter StartTime must be less than the parameter EndTime.");
        }
        boolean ascending = "TimestampAscending".equals(body.get("ScanBy"));
        List<Map<String, Object>> queries = new ArrayList<>();
        for (Object q : list(body.get("MetricDataQueries"))) {
            queries.add(asMap(q));
        }
        if (queries.isEmpty() || queries.size() > 500) {
            throw new IllegalArgumentException("MetricDataQueries: 1 to 500 queries, got " + queries.size());
        }
        int from = body.get("NextToken") instanceof String token ? page(token) : 0;
        int to = Math.min(queries.size(), from + resultsPerPage);
        List<Object> results = new ArrayList<>();
        for (Map<String, Object> q : queries.subList(from, to)) {
            results.add(result(q, start, end, ascending));
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("MetricDataResults", results);
        out.put("Messages", List.of());
        if (to < queries.size()) {
            out.put("NextToken", "page-" + to);
        }
        return out;
    }

    private Map<String, Object> result(Map<String, Object> query, Instant start, Instant end, boolean ascending) {
        String id = String.valueOf(query.get("Id"));
        if (!QUERY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("The value " + id + " for parameter MetricDataQueries.member.Id is "
                    + "invalid; it must match ^[a-z][a-zA-Z0-9_]*$");
        }
        if (!(query.get("MetricStat") instanceof Map<?, ?> statNode)) {
            throw new IllegalArgumentException("MetricDataQueries " + id + ": only MetricStat queries are faked");
        }
        Map<String, Object> stat = asMap(statNode);
        Object period = stat.get("Period");
        if (!(period instanceof Long p) || p <= 0 || (p % 60 != 0 && p != 1 && p != 5 && p != 10 && p != 30)) {
            throw new IllegalArgumentException("MetricDataQueries " + id + ": Period must be 1, 5, 10, 30 or a "
                    + "multiple of 60, got " + period);
        }
        if (!(stat.get("Stat") instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("MetricDataQueries " + id + ": Stat is required");
        }
        Map<String, Object> metric = asMap(stat.get("Metric"));
        var dimensions = new TreeMap<String, String>();
        for (Object d : list(metric.get("Dimensions"))) {
            Map<String, Object> dim = asMap(d);
            dimensions.put(String.valueOf(dim.get("Name")), String.valueOf(dim.get("Value")));
        }
        String name = String.valueOf(metric.get("MetricName"));
        NavigableMap<Instant, Double> points = series.getOrDefault(
                key(String.valueOf(metric.get("Namespace")), dimensions, name), Collections.emptyNavigableMap());
        NavigableMap<Instant, Double> window = points.subMap(start, true, end, false);
        if (!ascending) {
            window = window.descendingMap();
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("Id", id);
        out.put("Label", query.get("Label") instanceof String label ? label : name);
        out.put("Timestamps", List.copyOf(window.keySet()));
        out.put("Values", List.copyOf(window.values()));
        out.put("StatusCode", "Complete");
        return out;
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        var body = new LinkedHashMap<String, Object>();
        body.put("__type", code);
        body.put("message", message);
        String type = status >= 500 ? "Receiver" : "Sender";
        send(exchange, status, Cbor.encode(body), Map.of("x-amzn-query-error", code + ";" + type));
    }

    private static void send(HttpExchange exchange, int status, byte[] body, Map<String, String> extra)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/cbor");
        exchange.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        extra.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static int page(String token) {
        if (!token.startsWith("page-")) {
            throw new IllegalArgumentException("NextToken '" + token + "' is not one this fake gave");
        }
        return Integer.parseInt(token.substring("page-".length()));
    }

    private static String key(String namespace, Map<String, String> dimensions, String metricName) {
        return namespace + "|" + new TreeMap<>(dimensions) + "|" + metricName;
    }

    private static Instant instant(Map<String, Object> body, String field) {
        if (body.get(field) instanceof Instant t) {
            return t;
        }
        throw new IllegalArgumentException(field + " is required (a CBOR tag 1 timestamp), got " + body.get(field));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object node) {
        if (node instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException("expected a map, got " + node);
    }

    private static List<?> list(Object node) {
        return node instanceof List<?> l ? l : List.of();
    }

    private static String region(String authorization) {
        Matcher m = SCOPE.matcher(authorization);
        return m.find() ? m.group(1) : "";
    }

    @Override
    public String toString() {
        return "FakeCloudWatch[" + endpoint() + "]";
    }
}
