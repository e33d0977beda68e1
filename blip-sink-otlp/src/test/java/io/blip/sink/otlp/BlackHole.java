package io.blip.sink.otlp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A collector that accepts TCP connections on loopback, reads what comes and never answers: a
 * black-holed receiver. It notes when each connection came and when the client gave up on it (closed
 * it), on {@link System#nanoTime()}.
 */
final class BlackHole implements AutoCloseable {
    /** One connection: when it was accepted and when the client closed it (0 while open). */
    record Connection(long accepted, long closed) {
    }

    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<long[]> connections = new ArrayList<>();

    BlackHole() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("black-hole").start(this::accept);
    }

    /** Where an OTLP/HTTP exporter sends to. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1/metrics";
    }

    synchronized List<Connection> connections() {
        return connections.stream().map(c -> new Connection(c[0], c[1])).toList();
    }

    /** Waits (real time) until {@code n} connections were closed by the client; fails after {@code seconds}. */
    synchronized List<Connection> awaitClosed(int n, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (connections.stream().filter(c -> c[1] != 0).count() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + n + " connections closed by the client within " + seconds
                        + " s; " + connections());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return connections();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                long[] c = {System.nanoTime(), 0};
                synchronized (this) {
                    sockets.add(s);
                    connections.add(c);
                }
                Thread.ofVirtual().start(() -> drain(s, c));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Reads and forgets until the client closes the connection. */
    private void drain(Socket s, long[] c) {
        byte[] buffer = new byte[8192];
        try (InputStream in = s.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // never answered
            }
        } catch (IOException e) {
            // reset by the client, or closed by close()
        }
        synchronized (this) {
            c[1] = System.nanoTime();
            notifyAll();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
