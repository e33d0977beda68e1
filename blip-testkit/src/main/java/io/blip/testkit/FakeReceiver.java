package io.blip.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What a fake metrics receiver (a vendor's intake standing in for it in a sink's tests) has whatever
 * its wire format: a real HTTP server on a random loopback port, on virtual threads; answers the test
 * scripts, each given to one request; and the requests it received, as the fake records them, which
 * a test reads or waits for. The fake keeps its own handler, which checks the wire format and
 * answers through {@link #answer}.
 *
 * @param <A> a scripted answer, as the fake takes it (a status, or status, headers and body)
 * @param <R> a request as the fake records it
 */
public final class FakeReceiver<A, R> implements AutoCloseable {
    private final HttpServer server;
    private final Deque<A> script = new ArrayDeque<>();
    private final List<R> received = new ArrayList<>();

    private FakeReceiver(HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", handler);
        server.start();
    }

    /** Starts a server that gives every request to {@code handler}. */
    public static <A, R> FakeReceiver<A, R> start(HttpHandler handler) throws IOException {
        return new FakeReceiver<>(handler);
    }

    /** The base URL: {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers the next requests so, one each, in order. */
    @SafeVarargs
    public final synchronized void script(A... answers) {
        script.addAll(List.of(answers));
    }

    /** The next scripted answer, taken from the script; null when none is left. */
    public synchronized A nextScripted() {
        return script.poll();
    }

    /** What was received so far, in order. */
    public synchronized List<R> received() {
        return List.copyOf(received);
    }

    /** Waits until what was received satisfies {@code done}; fails after {@code wait}. */
    public synchronized List<R> await(String what, Predicate<List<R>> done, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!done.test(received)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("waited " + wait.toSeconds() + " s for " + what + "; received " + received);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(received);
    }

    /**
     * Records {@code request} (waking who waits) and answers it: {@code status}, these headers, and
     * {@code body} (none when empty).
     */
    public void answer(HttpExchange exchange, int status, Map<String, String> headers, String body, R request)
            throws IOException {
        synchronized (this) {
            received.add(request);
            notifyAll();
        }
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
