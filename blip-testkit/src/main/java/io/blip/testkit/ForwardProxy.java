package io.blip.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP forward proxy on loopback for tests of {@code http.proxy}: it takes absolute-form requests
 * ({@code POST http://collector.test:4318/v1/metrics HTTP/1.1}) and {@code CONNECT host:port}
 * tunnels, sends each to where {@link #route} says the host is (the test's names are not in DNS),
 * and remembers the hosts it was asked for.
 */
public final class ForwardProxy implements AutoCloseable {
    private final ServerSocket server;
    private final Map<String, InetSocketAddress> routes = new ConcurrentHashMap<>();
    private final List<String> asked = new ArrayList<>(); // guarded by itself

    private ForwardProxy() throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("forward-proxy").start(this::accept);
    }

    /** A proxy on a free port of loopback. */
    public static ForwardProxy start() throws IOException {
        return new ForwardProxy();
    }

    /** {@code http://127.0.0.1:port}: what {@code http.proxy} is set to. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests for {@code host} go to {@code target} (e.g. a receiver on loopback). */
    public ForwardProxy route(String host, InetSocketAddress target) {
        routes.put(host.toLowerCase(Locale.ROOT), target);
        return this;
    }

    /** The hosts asked for so far, in order, one per request line or tunnel ({@code host:port}). */
    public List<String> asked() {
        synchronized (asked) {
            return List.copyOf(asked);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().name("forward-proxy-conn").start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
            boolean connect = requestLine[0].equalsIgnoreCase("CONNECT");
            URI target = URI.create(connect ? "tunnel://" + requestLine[1] : requestLine[1]);
            int port = target.getPort() > 0 ? target.getPort() : 80;
            synchronized (asked) {
                asked.add(target.getHost() + ":" + port);
            }
            InetSocketAddress to = routes.get(target.getHost().toLowerCase(Locale.ROOT));
            if (to == null) {
                out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            try (Socket upstream = new Socket(to.getAddress(), to.getPort())) {
                if (connect) {
                    out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } else {
                    upstream.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
                }
                Thread pump = Thread.ofVirtual().start(() -> pipe(in, upstream));
                pipe(upstream.getInputStream(), client);
                pump.join();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client or the upstream went away
        }
    }

    private static void pipe(InputStream from, Socket to) {
        try {
            from.transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    /** The request line and headers, through the blank line; null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
