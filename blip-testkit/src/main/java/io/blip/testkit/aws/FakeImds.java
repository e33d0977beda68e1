package io.blip.testkit.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * EC2 instance metadata (IMDSv2) as a real HTTP server on a free loopback port, for pointing the
 * AWS SDK (or Blip's own IMDS client) at with {@code AWS_EC2_METADATA_SERVICE_ENDPOINT} or the
 * system property {@code aws.ec2MetadataServiceEndpoint}: see {@link #endpoint()}.
 *
 * <p>It answers as IMDS does: {@code PUT /latest/api/token} needs the header
 * {@code X-aws-ec2-metadata-token-ttl-seconds} (1 to 21600) and returns a session token;
 * {@code GET /latest/dynamic/instance-identity/document} needs that token in
 * {@code X-aws-ec2-metadata-token} (401 without it) and returns the identity document with the
 * region. A {@link Mode} makes it fail the way it does off EC2 or in a container. Every request is
 * counted, stalled ones included.
 */
public final class FakeImds implements AutoCloseable {
    public static final String TOKEN_PATH = "/latest/api/token";
    public static final String DOCUMENT_PATH = "/latest/dynamic/instance-identity/document";
    public static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    public static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    /** How the fake behaves. */
    public enum Mode {
        /** Answers like IMDS on an instance. */
        NORMAL,
        /** Nothing listens on the port: connections are refused (and nothing is counted). */
        REFUSE,
        /** Accepts connections and reads requests, but never answers any. */
        STALL,
        /**
         * The token PUT never answers, the GET would (an IMDSv2 hop limit of 1 seen from a container:
         * aws-sdk-java #2171).
         */
        PUT_BLACKHOLED
    }

    private final Mode mode;
    private final String region;
    private final HttpServer server;
    private final int port;
    private final ExecutorService executor;
    private final CountDownLatch released = new CountDownLatch(1);
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger documentRequests = new AtomicInteger();
    private final AtomicInteger otherRequests = new AtomicInteger();

    private FakeImds(Mode mode, String region) throws IOException {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.region = Objects.requireNonNull(region, "region");
        if (mode == Mode.REFUSE) {
            // A port that was free a moment ago and has nothing listening now.
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                this.port = s.getLocalPort();
            }
            this.server = null;
            this.executor = null;
            return;
        }
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.server.setExecutor(executor);
        this.server.createContext("/", this::handle);
        this.server.start();
        this.port = server.getAddress().getPort();
    }

    /** Starts a fake whose identity document gives {@code region}. */
    public static FakeImds start(Mode mode, String region) {
        try {
            return new FakeImds(mode, region);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake IMDS", e);
        }
    }

    /** Starts a fake in {@link Mode#NORMAL} whose identity document gives {@code region}. */
    public static FakeImds start(String region) {
        return start(Mode.NORMAL, region);
    }

    /** {@code http://127.0.0.1:<port>}: the value for {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public Mode mode() {
        return mode;
    }

    /** Token PUTs received, answered or not. */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** Identity document GETs received, answered or not. */
    public int documentRequests() {
        return documentRequests.get();
    }

    /** Every request received. */
    public int requests() {
        return tokenRequests.get() + documentRequests.get() + otherRequests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            boolean tokenPut = method.equals("PUT") && path.equals(TOKEN_PATH);
            boolean documentGet = method.equals("GET") && path.equals(DOCUMENT_PATH);
            (tokenPut ? tokenRequests : documentGet ? documentRequests : otherRequests).incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            if (mode == Mode.STALL || (mode == Mode.PUT_BLACKHOLED && method.equals("PUT"))) {
                stall();
                return;
            }
            if (tokenPut) {
                token(exchange);
            } else if (documentGet) {
                document(exchange);
            } else if (path.equals(TOKEN_PATH) || path.equals(DOCUMENT_PATH)) {
                send(exchange, 405, "");
            } else {
                send(exchange, 404, "");
            }
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        String ttl = exchange.getRequestHeaders().getFirst(TTL_HEADER);
        int seconds;
        try {
            seconds = ttl == null ? 0 : Integer.parseInt(ttl.trim());
        } catch (NumberFormatException e) {
            seconds = 0;
        }
        if (seconds < 1 || seconds > 21600) {
            send(exchange, 400, "");
            return;
        }
        String token = "fake-imds-" + UUID.randomUUID();
        tokens.add(token);
        exchange.getResponseHeaders().add(TTL_HEADER, Integer.toString(seconds));
        send(exchange, 200, token);
    }

    private void document(HttpExchange exchange) throws IOException {
        String token = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
        if (token == null || !tokens.contains(token)) {
            send(exchange, 401, "");
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        send(exchange, 200, """
                {
                  "accountId" : "123456789012",
                  "architecture" : "x86_64",
                  "availabilityZone" : "%1$sa",
                  "billingProducts" : null,
                  "devpayProductCodes" : null,
                  "marketplaceProductCodes" : null,
                  "imageId" : "ami-0123456789abcdef0",
                  "instanceId" : "i-0123456789abcdef0",
                  "instanceType" : "t3.micro",
                  "kernelId" : null,
                  "pendingTime" : "2024-01-01T00:00:00Z",
                  "privateIp" : "10.0.0.10",
                  "ramdiskId" : null,
                  "region" : "%1$s",
                  "version" : "2017-09-30"
                }""".formatted(region));
    }

    private void stall() {
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /** Releases stalled requests (they end without an answer) and stops the server. */
    @Override
    public void close() {
        released.countDown();
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "FakeImds[" + mode + ", " + endpoint() + "]";
    }
}
