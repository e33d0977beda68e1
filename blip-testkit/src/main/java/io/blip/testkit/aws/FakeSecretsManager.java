package io.blip.testkit.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS Secrets Manager on loopback: a real HTTP server speaking the AWS JSON 1.1 protocol for
 * {@code secretsmanager.GetSecretValue}, so tests use the real AWS SDK client pointed at it the way
 * a user would ({@code AWS_ENDPOINT_URL_SECRETS_MANAGER} or the system property
 * {@code aws.endpointUrlSecretsManager}, with any static credentials).
 *
 * <p>{@link #put} stores a secret string as the new {@code AWSCURRENT} version (a rotation); the old
 * one becomes {@code AWSPREVIOUS}. {@link #failNext} and {@link #failAlways} make calls answer with
 * a {@link Fault} instead. Every call is counted, and the access key id and region of its SigV4
 * {@code Authorization} header are recorded. The signature itself is not checked.
 */
public final class FakeSecretsManager implements AutoCloseable {
    /** The {@code X-Amz-Target} of the one operation served. */
    public static final String GET_SECRET_VALUE = "secretsmanager.GetSecretValue";

    /** What a call answers instead of the secret. */
    public enum Fault {
        /** HTTP 400 {@code ThrottlingException}, which the SDK retries. */
        THROTTLE,
        /** HTTP 400 {@code AccessDeniedException}, as when the IAM policy lacks GetSecretValue. */
        ACCESS_DENIED,
        /** HTTP 400 {@code ResourceNotFoundException}, whatever secrets are stored. */
        NOT_FOUND,
        /** HTTP 500 {@code InternalServiceError}. */
        SERVER_ERROR,
        /** HTTP 200 with a body that is not JSON (cut off in the middle of the secret string). */
        MALFORMED,
        /** Reads the request and never answers (until {@link #close}). */
        STALL
    }

    /** One call as the server saw it. */
    public record Call(String target, String secretId, String versionStage, String accessKeyId, String region) {
    }

    private record Version(String id, String string, byte[] binary, Instant created) {
    }

    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/[^/]+/([^/]+)/([^/]+)/");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, Version> current = new HashMap<>();
    private final Map<String, Version> previous = new HashMap<>();
    private final FaultPlan<Fault> faults = new FaultPlan<>();
    private final List<Call> calls = new ArrayList<>();

    private FakeSecretsManager(HttpServer server) {
        this.server = server;
    }

    /** Starts on an ephemeral loopback port. */
    public static FakeSecretsManager start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeSecretsManager fake = new FakeSecretsManager(server);
            server.createContext("/", fake::handle);
            server.setExecutor(fake.executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake Secrets Manager", e);
        }
    }

    /** The endpoint URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    /** Stores {@code secretString} as the secret's new AWSCURRENT version; returns its VersionId. */
    public synchronized String put(String secretId, String secretString) {
        return store(secretId, new Version(UUID.randomUUID().toString(), secretString, null, Instant.now()));
    }

    /** Stores binary data ({@code SecretBinary}) as the secret's new AWSCURRENT version. */
    public synchronized String putBinary(String secretId, byte[] secretBinary) {
        return store(secretId, new Version(UUID.randomUUID().toString(), null, secretBinary.clone(), Instant.now()));
    }

    private String store(String secretId, Version v) {
        Version old = current.put(secretId, v);
        if (old != null) {
            previous.put(secretId, old);
        }
        return v.id();
    }

    /** The next {@code times} calls answer with the fault, then calls are served again. */
    public void failNext(Fault fault, int times) {
        faults.failNext(fault, times);
    }

    /** Every call answers with the fault until {@link #heal}. */
    public void failAlways(Fault fault) {
        faults.failAlways(fault);
    }

    /** Serves calls again: forgets sticky and queued faults. */
    public void heal() {
        faults.heal();
    }

    /** How many requests arrived (every SDK attempt counts). */
    public synchronized int callCount() {
        return calls.size();
    }

    /** Every request so far, in order. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The access key id of the last request's SigV4 signature, if any request came. */
    public synchronized Optional<String> lastAccessKeyId() {
        return calls.isEmpty() ? Optional.empty() : Optional.ofNullable(calls.getLast().accessKeyId());
    }

    /** Stops the server and releases stalled calls. */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
            String auth = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).orElse("");
            Matcher m = CREDENTIAL.matcher(auth);
            boolean signed = m.find();
            String secretId = stringField(body, "SecretId");
            String stage = stringField(body, "VersionStage");
            Fault fault;
            synchronized (this) {
                calls.add(new Call(target, secretId, stage, signed ? m.group(1) : null, signed ? m.group(2) : null));
                fault = faults.take();
            }
            if (!"POST".equals(exchange.getRequestMethod()) || !GET_SECRET_VALUE.equals(target)) {
                error(exchange, 400, "UnknownOperationException", "only " + GET_SECRET_VALUE + " is served");
            } else if (!signed) {
                error(exchange, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
            } else if (fault != null) {
                fail(exchange, fault);
            } else {
                answer(exchange, secretId, stage);
            }
        }
    }

    private void fail(HttpExchange exchange, Fault fault) throws IOException {
        switch (fault) {
            case THROTTLE -> error(exchange, 400, "ThrottlingException", "Rate exceeded");
            case ACCESS_DENIED -> error(exchange, 400, "AccessDeniedException",
                    "User: arn:aws:iam::123456789012:user/blip is not authorized to perform: "
                            + "secretsmanager:GetSecretValue because no identity-based policy allows the "
                            + "secretsmanager:GetSecretValue action");
            case NOT_FOUND -> notFound(exchange);
            case SERVER_ERROR -> error(exchange, 500, "InternalServiceError", "An internal error occurred");
            case MALFORMED -> send(exchange, 200, "{\"ARN\":\"x\",\"SecretString\":\"{\\\"password\\\":\\\"cut-off");
            case STALL -> {
                try {
                    closing.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void answer(HttpExchange exchange, String secretId, String stage) throws IOException {
        Version v;
        synchronized (this) {
            v = switch (stage == null ? "AWSCURRENT" : stage) {
                case "AWSCURRENT" -> current.get(secretId);
                case "AWSPREVIOUS" -> previous.get(secretId);
                default -> null;
            };
        }
        if (v == null) {
            notFound(exchange);
            return;
        }
        StringBuilder json = new StringBuilder("{");
        json.append("\"ARN\":").append(quote(arn(secretId)));
        json.append(",\"Name\":").append(quote(name(secretId)));
        json.append(",\"VersionId\":").append(quote(v.id()));
        if (v.string() != null) {
            json.append(",\"SecretString\":").append(quote(v.string()));
        } else {
            json.append(",\"SecretBinary\":").append(quote(Base64.getEncoder().encodeToString(v.binary())));
        }
        json.append(",\"VersionStages\":[").append(quote(stage == null ? "AWSCURRENT" : stage)).append("]");
        json.append(",\"CreatedDate\":").append(v.created().getEpochSecond()).append('.')
                .append(String.format("%03d", v.created().getNano() / 1_000_000));
        json.append('}');
        send(exchange, 200, json.toString());
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        error(exchange, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }

    private static String arn(String secretId) {
        return secretId != null && secretId.startsWith("arn:") ? secretId
                : "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + secretId + "-AbCdEf";
    }

    private static String name(String secretId) {
        if (secretId == null || !secretId.startsWith("arn:")) {
            return secretId;
        }
        String last = secretId.substring(secretId.lastIndexOf(':') + 1);
        // Secrets Manager appends a dash and six random characters to the name in the ARN.
        return last.matches(".+-[A-Za-z0-9]{6}") ? last.substring(0, last.length() - 7) : last;
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        send(exchange, status, "{\"__type\":" + quote(type) + ",\"message\":" + quote(message) + "}");
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A top-level string field of the request: the SDK sends flat objects of strings. */
    private static String stringField(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? unescape(m.group(1)) : null;
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
