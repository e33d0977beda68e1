package io.blip.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.testkit.ForwardProxy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpProxyTest {
    private static final HttpProxy PROXY = HttpProxy.parse("http://proxy.internal:3128",
            "internal.example, .corp.example,10.0.0.0/8, 192.168.1.7,[2001:db8::1], metrics.example:4318");

    @Test
    void loopbackInstanceMetadataAndNoProxyHostsGoDirect() {
        for (String host : List.of("localhost", "api.localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1",
                "169.254.169.254", "[fd00:ec2::254]", "internal.example", "a.internal.example", "corp.example",
                "x.corp.example", "10.1.2.3", "192.168.1.7", "[2001:db8::1]", "metrics.example")) {
            assertTrue(PROXY.direct(host), host);
        }
        for (String host : List.of("otlp.example", "notinternal.example", "11.0.0.1", "192.168.1.8",
                "secretsmanager.us-east-1.amazonaws.com", "169.254.169.253")) {
            assertFalse(PROXY.direct(host), host);
        }
        assertTrue(HttpProxy.parse("http://p:1", "*").direct("anything.example"));
    }

    @Test
    void theSelectorAnswersTheProxyForHttpAndHttpsOnly() {
        var selector = PROXY.selector();
        Proxy proxy = selector.select(URI.create("https://otlp.example:4317")).getFirst();
        assertEquals(Proxy.Type.HTTP, proxy.type());
        var address = (InetSocketAddress) proxy.address();
        assertEquals("proxy.internal:3128", address.getHostString() + ":" + address.getPort());
        assertEquals(List.of(Proxy.NO_PROXY), selector.select(URI.create("http://127.0.0.1:9000/")));
        assertEquals(List.of(Proxy.NO_PROXY), selector.select(URI.create("http://169.254.169.254/latest")));
        assertEquals(List.of(Proxy.NO_PROXY), selector.select(URI.create("ftp://files.example/")));
    }

    @Test
    void withoutAPortTheProxyIsOnPort80AsInBlipsQuickReference() {
        HttpProxy proxy = HttpProxy.parse("http://proxy.internal", "");
        assertEquals(80, proxy.port());
        var address = (InetSocketAddress) proxy.selector().select(URI.create("https://otlp.example/")).getFirst().address();
        assertEquals("proxy.internal:80", address.getHostString() + ":" + address.getPort());
    }

    @Test
    void badUrlsSayWhatToWriteAndMaskTheirPassword() {
        String https = assertThrows(BlipException.class, () -> HttpProxy.parse("https://u:hunter2@p:3128", ""))
                .getMessage();
        assertEquals("'https://...@p:3128': not supported: a proxy of scheme 'https'; Blip's clients talk to an HTTP "
                + "proxy (http://host:port), which tunnels HTTPS with CONNECT", https);
        assertEquals("'http://...@p:3128': not supported: a user and password for the proxy; allow Blip's hosts on "
                + "the proxy by address instead", assertThrows(BlipException.class,
                () -> HttpProxy.parse("http://u:hunter2@p:3128", "")).getMessage());
        assertEquals("'http:///x': write the proxy's host and port: http://host:port",
                assertThrows(BlipException.class, () -> HttpProxy.parse("http:///x", "")).getMessage());
        assertEquals("'http://p:1/path': a proxy URL has no path; write http://host:port",
                assertThrows(BlipException.class, () -> HttpProxy.parse("http://p:1/path", "")).getMessage());
        assertEquals("'socks5://p:1080': not supported: a proxy of scheme 'socks5'; Blip's clients talk to an HTTP "
                + "proxy (http://host:port), which tunnels HTTPS with CONNECT",
                assertThrows(BlipException.class, () -> HttpProxy.parse("socks5://p:1080", "")).getMessage());
    }

    @Test
    void aJdkClientGoesThroughTheProxyToANameOnlyTheProxyKnows() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ForwardProxy proxy = ForwardProxy.start()) {
            Thread.ofVirtual().start(() -> answerOnce(target));
            proxy.route("api.test", new InetSocketAddress(InetAddress.getLoopbackAddress(), target.getLocalPort()));
            var routes = HttpProxy.parse(proxy.url(), "");
            HttpClient client = HttpClient.newBuilder().proxy(routes.selector()).version(HttpClient.Version.HTTP_1_1)
                    .build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://api.test:"
                    + target.getLocalPort() + "/v1/x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("GET http://api.test:" + target.getLocalPort() + "/v1/x HTTP/1.1", r.body());
            assertEquals(List.of("api.test:" + target.getLocalPort()), proxy.asked());
        }
    }

    /** Answers one request with its request line, as the proxy passed it on. */
    private static void answerOnce(ServerSocket server) {
        try (Socket s = server.accept()) {
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            byte[] body = requestLine.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
