package io.blip.runtime.http;

import io.blip.api.time.Time;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for Blip's API and the exporter listeners: one virtual thread accepts,
 * one thread per connection (platform for the first few of the process, {@link #MAX_PLATFORM_CONNECTIONS},
 * virtual beyond) reads its requests one after another (keep-alive) and writes each reply whole. Nothing of it wakes when nobody asks: the JDK's server
 * ({@code com.sun.net.httpserver}) wakes its dispatcher thread every second, a timed wake that costs
 * one monitor about 0.12 ms of CPU a second on this kind of machine (docs/jvm.md), and a platform
 * thread and a timer thread per listener, which 1,000 monitors each with its own exporter listener
 * would multiply.
 *
 * <p>What it takes: {@code Content-Length} and chunked request bodies up to {@value #MAX_BODY}
 * bytes, {@code Expect: 100-continue}, HTTP/1.0 and 1.1, {@code HEAD} (the handler's reply without
 * its body). What it refuses, with the status a client expects: a malformed request line or header
 * (400), headers over {@value #MAX_HEAD} bytes (431), a larger body (413), another HTTP version
 * (505). A connection idle for {@link #IDLE_MILLIS} ms between requests, or that sends a request that
 * slowly, is closed; at most {@value #MAX_CONNECTIONS} are open at once, more are closed at once.
 */
public final class HttpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_BODY = 1024 * 1024;
    static final int MAX_CONNECTIONS = 256;
    static final int IDLE_MILLIS = 30_000;
    private static final Set<String> NO_BODY_METHODS = Set.of("HEAD");

    /**
     * One request: the method, the decoded path, the raw query (or null), headers by name in any case, the body,
     * and the address of the peer that sent it.
     */
    public record Request(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body,
                          InetAddress peer) {
        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }
    }

    /** One reply, sent whole with its {@code Content-Length}. */
    public record Reply(int status, String type, byte[] body, Map<String, String> headers) {
        public static Reply text(int status, String text) {
            return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    /** Answers a request; on the connection's virtual thread. An exception is a 500, logged. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request);
    }

    private final ServerSocket socket;
    private final Handler handler;
    private final String name;
    /** For the {@code Date} header and the pause after a failed accept. */
    private final Time time;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile Thread acceptor;
    /** The last {@code Date} header. */
    private volatile DateHeader lastDate;

    private record DateHeader(long second, String text) {
    }

    private HttpListener(ServerSocket socket, Handler handler, String name, Time time) {
        this.socket = socket;
        this.handler = handler;
        this.name = name;
        this.time = time;
    }

    /**
     * Listens on {@code address}; serves from {@link #start}.
     *
     * @param ssl                 TLS, or null for plain HTTP
     * @param clientCertificates  with TLS, whether clients must show a certificate the context trusts
     * @param name                names the threads ({@code name-accept}, {@code name-N})
     * @param time                the server's time, for the {@code Date} header
     * @throws IOException when the address cannot be bound (a {@link java.net.BindException} when in use)
     */
    public static HttpListener bind(InetSocketAddress address, SSLContext ssl, boolean clientCertificates,
                                    String name, Time time, Handler handler) throws IOException {
        SSLParameters parameters = null;
        if (ssl != null) {
            parameters = ssl.getDefaultSSLParameters();
            parameters.setNeedClientAuth(clientCertificates);
        }
        return bind(address, ssl, parameters, name, time, handler);
    }

    /**
     * Listens on {@code address} with TLS of these parameters (protocols, client certificates; null:
     * the context's defaults); serves from {@link #start}.
     */
    public static HttpListener bind(InetSocketAddress address, SSLContext ssl, SSLParameters parameters, String name,
                                    Time time, Handler handler) throws IOException {
        ServerSocket socket;
        if (ssl == null) {
            socket = new ServerSocket();
        } else {
            SSLServerSocket tls = (SSLServerSocket) ssl.getServerSocketFactory().createServerSocket();
            tls.setSSLParameters(parameters != null ? parameters : ssl.getDefaultSSLParameters());
            socket = tls;
        }
        try {
            socket.bind(address, 64);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new HttpListener(socket, handler, name, time);
    }

    /** Starts accepting connections (until then they wait in the socket's backlog). */
    public HttpListener start() {
        acceptor = Thread.ofVirtual().name(name + "-accept").start(this::accept);
        return this;
    }

    /** Where it listens (the port chosen when the address said 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void accept() {
        var threads = Thread.ofVirtual().name(name + "-", 0);
        var platform = Thread.ofPlatform().daemon().name(name + "-p", 0);
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{}: accepting a connection: {}", name, e.toString());
                    pause(); // e.g. out of file descriptors: not a busy loop
                }
                continue;
            }
            if (open.size() >= MAX_CONNECTIONS) {
                closeQuietly(s);
                continue;
            }
            open.add(s);
            if (closed) {
                closeQuietly(s);
                continue;
            }
            if (PLATFORM_CONNECTIONS.incrementAndGet() <= MAX_PLATFORM_CONNECTIONS) {
                platform.start(() -> {
                    try {
                        serve(s);
                    } finally {
                        PLATFORM_CONNECTIONS.decrementAndGet();
                    }
                });
            } else {
                PLATFORM_CONNECTIONS.decrementAndGet();
                threads.start(() -> serve(s));
            }
        }
    }

    /**
     * How many connections of all listeners are served on platform threads at most; the rest on
     * virtual threads. A platform thread waits for the next request, and for a scrape's answer, in the
     * kernel, woken by it directly; a virtual thread is woken through the JDK's poller, its timer (a
     * read's idle limit) and its scheduler: for one Prometheus scraping one monitor every second, about
     * a millisecond of CPU a scrape more (docs/jvm.md, "Scrapes"). A few, as {@code QueryThreads} keeps for
     * collections, so that 1,000 listeners' connections do not each take a platform thread's memory.
     */
    static final int MAX_PLATFORM_CONNECTIONS = 4;
    private static final java.util.concurrent.atomic.AtomicInteger PLATFORM_CONNECTIONS =
            new java.util.concurrent.atomic.AtomicInteger();

    /** The requests of one connection, one after another, until either side closes it. */
    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(IDLE_MILLIS);
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 8192);
            while (!closed && exchange(in, out, s.getInetAddress())) {
                // the next request on the same connection
            }
        } catch (SocketTimeoutException | SocketException e) {
            // idle for too long, reset by the client, or the listener closed
        } catch (IOException e) {
            LOG.debug("{}: connection from {}: {}", name, s.getRemoteSocketAddress(), e.toString());
        } finally {
            open.remove(s);
        }
    }

    /** A request line or header over what is left of {@link #MAX_HEAD}. */
    private static final class HeadTooLarge extends IOException {
        HeadTooLarge() {
            super("request head over " + MAX_HEAD + " bytes");
        }
    }

    /** Reads one request and writes its reply; whether the connection stays open for another. */
    private boolean exchange(InputStream in, OutputStream out, InetAddress peer) throws IOException {
        try {
            return exchangeWithin(in, out, peer);
        } catch (HeadTooLarge e) {
            return fail(out, 431, "request headers too large");
        }
    }

    private boolean exchangeWithin(InputStream in, OutputStream out, InetAddress peer) throws IOException {
        int[] budget = {MAX_HEAD};
        String line = readLine(in, budget);
        while (line != null && line.isEmpty()) {
            line = readLine(in, budget); // a stray CRLF before a request is allowed (RFC 9112, 2.2)
        }
        if (line == null) {
            return false; // closed by the client between requests
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[2].startsWith("HTTP/")) {
            return fail(out, 400, "malformed request line");
        }
        String method = parts[0];
        String version = parts[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            return fail(out, 505, "HTTP/1.1 or HTTP/1.0 only");
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        while (true) {
            String h = readLine(in, budget);
            if (h == null) {
                return false;
            }
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0 || Character.isWhitespace(h.charAt(colon - 1))) {
                return fail(out, 400, "malformed header");
            }
            headers.computeIfAbsent(h.substring(0, colon), k -> new ArrayList<>()).add(h.substring(colon + 1).strip());
        }
        URI target;
        try {
            target = new URI(parts[1]);
        } catch (URISyntaxException e) {
            return fail(out, 400, "malformed request target");
        }
        if (target.getRawPath() == null || !target.getRawPath().startsWith("/")) {
            return fail(out, 400, "the request target is not a path");
        }
        String connection = first(headers, "Connection");
        boolean keepAlive = version.equals("HTTP/1.1") ? !"close".equalsIgnoreCase(connection)
                : "keep-alive".equalsIgnoreCase(connection);
        boolean continues = "100-continue".equalsIgnoreCase(first(headers, "Expect")) && version.equals("HTTP/1.1");
        byte[] body;
        String transfer = first(headers, "Transfer-Encoding");
        String length = first(headers, "Content-Length");
        if (transfer != null) {
            if (!transfer.equalsIgnoreCase("chunked")) {
                return fail(out, 501, "transfer encoding " + printable(transfer) + " not supported");
            }
            proceed(out, continues);
            body = readChunked(in);
            if (body == null) {
                return fail(out, 413, "request body over " + MAX_BODY + " bytes");
            }
        } else if (length != null) {
            long n;
            try {
                n = Long.parseLong(length);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0) {
                return fail(out, 400, "malformed Content-Length");
            }
            if (n > MAX_BODY) {
                return fail(out, 413, "request body over " + MAX_BODY + " bytes"); // before the client sends it
            }
            proceed(out, continues);
            body = in.readNBytes((int) n);
            if (body.length < n) {
                return false;
            }
        } else {
            body = new byte[0];
        }
        Reply reply;
        try {
            reply = handler.handle(new Request(method, target.getPath(), target.getRawQuery(), headers, body, peer));
        } catch (RuntimeException e) {
            LOG.error("{}: {} {}: {}", name, printable(method), printable(target.getPath()), e.toString(), e);
            reply = Reply.text(500, "internal error\n");
            keepAlive = false;
        }
        write(out, reply, !NO_BODY_METHODS.contains(method), keepAlive, version, date());
        return keepAlive;
    }

    /** {@code Expect: 100-continue}: tells the client to send the body, once the head is found acceptable. */
    private static void proceed(OutputStream out, boolean continues) throws IOException {
        if (continues) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** Answers a request that cannot be served and closes the connection (its rest cannot be read safely). */
    private boolean fail(OutputStream out, int status, String why) throws IOException {
        write(out, Reply.text(status, status + " " + why + "\n"), true, false, "HTTP/1.1", date());
        return false;
    }

    /** The {@code Date} header's value, made once a second. */
    private String date() {
        long second = time.now().getEpochSecond();
        DateHeader last = lastDate;
        if (last != null && last.second() == second) {
            return last.text();
        }
        String text = imfFixdate(second);
        lastDate = new DateHeader(second, text);
        return text;
    }

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};

    /**
     * HTTP's date ({@code IMF-fixdate}, RFC 9110: {@code Sun, 06 Nov 1994 08:49:37 GMT}, the day in two
     * digits), written by hand: a scrape a second finds a new second each time, and a
     * {@code DateTimeFormatter} cost more than the rest of the reply's head.
     */
    static String imfFixdate(long epochSecond) {
        long day = Math.floorDiv(epochSecond, 86_400);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400);
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(day);
        var b = new StringBuilder(29);
        b.append(DAYS[date.getDayOfWeek().ordinal()]).append(", ");
        two(b, date.getDayOfMonth()).append(' ').append(MONTHS[date.getMonthValue() - 1]).append(' ')
                .append(date.getYear()).append(' ');
        two(b, secondOfDay / 3600).append(':');
        two(b, secondOfDay / 60 % 60).append(':');
        two(b, secondOfDay % 60).append(" GMT");
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    private static void write(OutputStream out, Reply reply, boolean withBody, boolean keepAlive, String version,
                              String date) throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(reply.status()).append(' ').append(reason(reply.status())).append("\r\n");
        head.append("Date: ").append(date).append("\r\n");
        if (reply.type() != null) {
            head.append("Content-Type: ").append(reply.type()).append("\r\n");
        }
        reply.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        boolean bodyAllowed = reply.status() != 204 && reply.status() != 304;
        if (bodyAllowed) {
            head.append("Content-Length: ").append(reply.body().length).append("\r\n");
        }
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        } else if (version.equals("HTTP/1.0")) {
            head.append("Connection: keep-alive\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (withBody && bodyAllowed) {
            out.write(reply.body());
        }
        out.flush();
    }

    /**
     * One line without its CRLF (or LF), or null at the end of the stream before any byte; takes its
     * bytes from {@code budget[0]} and throws {@link HeadTooLarge} when they run out.
     */
    private static String readLine(InputStream in, int[] budget) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b == '\n') {
                break;
            }
            if (--budget[0] < 0) {
                throw new HeadTooLarge();
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        if (!any) {
            return null;
        }
        if (b < 0) {
            throw new SocketException("connection closed in the middle of a line");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** A chunked body, or null when it is larger than {@link #MAX_BODY}. */
    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = readLine(in, new int[] {1024});
            if (size == null) {
                throw new SocketException("connection closed in a chunked body");
            }
            int semicolon = size.indexOf(';');
            int n;
            try {
                n = Integer.parseInt((semicolon >= 0 ? size.substring(0, semicolon) : size).strip(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size");
            }
            if (n < 0 || body.size() + (long) n > MAX_BODY) {
                return null;
            }
            if (n == 0) {
                // Trailers, up to the empty line.
                String trailer;
                do {
                    trailer = readLine(in, new int[] {MAX_HEAD});
                } while (trailer != null && !trailer.isEmpty());
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(n);
            if (chunk.length < n) {
                throw new SocketException("connection closed in a chunk");
            }
            body.write(chunk);
            readLine(in, new int[] {2}); // the chunk's CRLF
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }

    /** A value from a request for a log line: printable ASCII only, at most 200 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private void pause() {
        try {
            time.sleep(Duration.ofMillis(100));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /**
     * Stops listening (when it returns, a connection is refused) and closes every open connection; a
     * request being handled finishes without its reply.
     */
    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(HttpListener::closeQuietly);
        Thread a = acceptor;
        if (a != null) {
            try {
                // The socket is closed for good once the thread blocked in accept has let go of it,
                // which the close makes it do at once.
                a.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
