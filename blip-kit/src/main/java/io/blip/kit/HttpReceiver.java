package io.blip.kit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * A real HTTP server on loopback, on a free port, for the tests of a sink that sends over HTTP: it
 * records every request (method, path, headers, body) and answers with the status the test sets.
 * A test waits for requests with {@link #await}, not by sleeping.
 */
public final class HttpReceiver implements AutoCloseable {
    /** One request as it arrived. */
    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        /** The first value of a header, or null. */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private volatile IntSupplier status = () -> 204;

    private HttpReceiver(HttpServer server) {
        this.server = server;
    }

    /** A receiver that answers 204 until told otherwise. */
    public static HttpReceiver start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var receiver = new HttpReceiver(server);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            int answer = receiver.status.getAsInt();
            synchronized (receiver) {
                receiver.requests.add(request);
                receiver.notifyAll();
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
                + path;
    }

    /** Answers every later request with {@code code}. */
    public void answer(int code) {
        status = () -> code;
    }

    /** The requests so far. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Waits until at least {@code n} requests arrived; the requests then. */
    public synchronized List<Request> await(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(requests.size() + " requests within " + timeout + ", not " + n);
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(requests);
    }

    /** Stops at once: later sends find nothing listening. */
    @Override
    public void close() {
        server.stop(0);
    }
}
