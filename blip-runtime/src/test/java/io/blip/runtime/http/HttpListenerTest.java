package io.blip.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.time.Time;
import io.blip.runtime.http.HttpListener.Reply;
import io.blip.runtime.http.HttpListener.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API's HTTP server on a real loopback socket: what clients send (curl, Prometheus, Go's and
 * Java's clients) and what they must be refused, byte for byte where the protocol is the point.
 */
class HttpListenerTest {
    private final List<Request> seen = new CopyOnWriteArrayList<>();
    private HttpListener listener;

    @BeforeEach
    void listen() throws IOException {
        listener = HttpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, false,
                "test-http", Time.system(), request -> {
                    seen.add(request);
                    if (request.path().equals("/boom")) {
                        throw new IllegalStateException("a handler bug");
                    }
                    String body = request.method() + " " + request.path() + " " + request.rawQuery() + " "
                            + new String(request.body(), StandardCharsets.UTF_8);
                    return new Reply(200, "text/plain", body.getBytes(StandardCharsets.UTF_8), Map.of("X-Test", "yes"));
                }).start();
    }

    @AfterEach
    void close() {
        listener.close();
    }

    /** Writes {@code request} on a new connection and reads until the server closes it. */
    private String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void javasClientGetsAndPostsOnOneKeptAliveConnection() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = URI.create("http://127.0.0.1:" + listener.address().getPort());
        HttpResponse<String> get = client.send(
                HttpRequest.newBuilder(base.resolve("/status/monitors?id=db%201")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, get.statusCode());
        assertEquals("GET /status/monitors id=db%201 ", get.body(), "the path decoded, the query raw");
        assertEquals("yes", get.headers().firstValue("x-test").orElseThrow());
        assertTrue(get.headers().firstValue("date").isPresent());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(base.resolve("/monitors/reload"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("POST /monitors/reload null {}", post.body());
    }

    @Test
    void twoRequestsInOneWriteAreAnsweredInOrderAndCloseEndsTheConnection() throws Exception {
        String out = raw("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        int a = out.indexOf("GET /a null ");
        int b = out.indexOf("GET /b null ");
        assertTrue(a > 0 && b > a, out);
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.substring(a).contains("Connection: close\r\n"), out);
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws Exception {
        String out = raw("GET /old HTTP/1.0\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n") && out.contains("Connection: close\r\n"), out);
        assertTrue(out.endsWith("GET /old null "), out);
    }

    @Test
    void chunkedAndContinuedBodiesArrive() throws Exception {
        String chunked = raw("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nTrailer: t\r\n\r\n");
        assertTrue(chunked.endsWith("POST /c null abcdefg"), chunked);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.address().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String interim = readHead(in);
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", interim, "asked before the body is sent");
            out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(reply.endsWith("POST /e null hello"), reply);
        }
    }

    @Test
    void headGetsTheHeadersWithoutTheBody() throws Exception {
        String out = raw("HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(out.contains("Content-Length: 13\r\n"), "the length of 'HEAD /h null ': " + out);
        assertTrue(out.endsWith("\r\n\r\n"), "no body: " + out);
    }

    @Test
    void whatCannotBeServedIsRefusedWithTheStatusThatSaysWhy() throws Exception {
        assertTrue(raw("GARBAGE\r\n\r\n").startsWith("HTTP/1.1 400 Bad Request\r\n"));
        assertTrue(raw("GET /x HTTP/2.0\r\n\r\n").startsWith("HTTP/1.1 505 "));
        assertTrue(raw("GET /x|y HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "), "an illegal character in the target");
        assertTrue(raw("GET /x HTTP/1.1\r\nno colon\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(raw("GET /x HTTP/1.1\r\nX-Big: " + "a".repeat(HttpListener.MAX_HEAD) + "\r\n\r\n")
                .startsWith("HTTP/1.1 431 "));
        assertTrue(raw("POST /x HTTP/1.1\r\nContent-Length: " + (HttpListener.MAX_BODY + 1) + "\r\n\r\n")
                .startsWith("HTTP/1.1 413 "));
        assertTrue(raw("POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: " + (HttpListener.MAX_BODY + 1)
                + "\r\n\r\n").startsWith("HTTP/1.1 413 "), "refused before the client is told to send the body");
        assertTrue(raw("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").startsWith("HTTP/1.1 501 "));
        String bug = raw("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(bug.startsWith("HTTP/1.1 500 ") && bug.contains("Connection: close\r\n"), bug);
        assertTrue(seen.stream().noneMatch(r -> r.path().equals("/x")), "none of them reached the handler");
    }

    @Test
    void closingStopsListeningAndDropsOpenConnections() throws Exception {
        Socket idle = new Socket(InetAddress.getLoopbackAddress(), listener.address().getPort());
        idle.setSoTimeout(10_000);
        idle.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        readHead(idle.getInputStream());
        listener.close();
        InputStream in = idle.getInputStream();
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try {
            in.transferTo(rest); // the body, then the end of the stream once the server has closed
        } catch (IOException reset) {
            // closed under it: as good
        }
        idle.close();
        assertTrue(rest.toString(StandardCharsets.ISO_8859_1).startsWith("GET /a"), rest.toString());
        try (Socket s = new Socket()) {
            s.connect(listener.address(), 2_000);
            throw new AssertionError("still listening");
        } catch (IOException refused) {
            // as it should be
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** RFC 9110's IMF-fixdate, as Go's http.TimeFormat writes it: the day of the month in two digits. */
    @Test
    void theDateHeaderIsAnImfFixdate() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpListener.imfFixdate(784111777L));
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", HttpListener.imfFixdate(0));
        var formatter = java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
                java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);
        for (long s = 1_700_000_000L; s < 1_800_000_000L; s += 9_876_543L) {
            assertEquals(formatter.format(java.time.Instant.ofEpochSecond(s)), HttpListener.imfFixdate(s));
        }
    }
}
