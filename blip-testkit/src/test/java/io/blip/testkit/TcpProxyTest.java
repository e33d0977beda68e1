package io.blip.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy's modes against an echo server on loopback. */
class TcpProxyTest {
    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException gone) {
                            // the client or the proxy went away
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
        proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket client() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 2_000);
        s.setSoTimeout(2_000);
        return s;
    }

    /**
     * The proxy's accepted count once it reaches {@code n}, or when {@code within} has passed: the client's
     * connect returns when the kernel has queued the connection, before the proxy's accept counts it.
     */
    private int acceptedWithin(int n, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (proxy.accepted() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return proxy.accepted();
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    @Test
    void passesBytesBothWaysAndCountsConnections() throws Exception {
        try (Socket a = client(); Socket b = client()) {
            assertEquals("hello", roundTrip(a, "hello"));
            assertEquals("world", roundTrip(b, "world"));
            assertEquals(2, proxy.accepted());
            assertEquals(2, proxy.open());
        }
    }

    @Test
    void freezeHoldsBytesAndKeepsConnectionsOpenUntilPass() throws Exception {
        try (Socket s = client()) {
            assertEquals("a", roundTrip(s, "a"));
            proxy.freeze();
            s.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
            s.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            try (Socket during = client()) {
                assertEquals(2, acceptedWithin(2, Duration.ofSeconds(2)), "a new connection is accepted while frozen");
                during.getOutputStream().write('x');
                during.setSoTimeout(200);
                assertThrows(SocketTimeoutException.class, () -> during.getInputStream().read());
            }
            proxy.pass();
            s.setSoTimeout(2_000);
            assertArrayEquals("held".getBytes(StandardCharsets.UTF_8), s.getInputStream().readNBytes(4));
        }
    }

    @Test
    void latencyDelaysEachChunk() throws Exception {
        try (Socket s = client()) {
            proxy.latency(Duration.ofMillis(150));
            long began = System.nanoTime();
            assertEquals("slow", roundTrip(s, "slow"));
            long tookMillis = (System.nanoTime() - began) / 1_000_000;
            assertTrue(tookMillis >= 300, "one chunk each way, 150 ms each: " + tookMillis + " ms");
        }
    }

    @Test
    void resetSendsRstToEveryOpenConnection() throws Exception {
        try (Socket s = client()) {
            assertEquals("a", roundTrip(s, "a"));
            proxy.reset();
            SocketException e = assertThrows(SocketException.class, () -> {
                s.getInputStream().read();
                s.getOutputStream().write(new byte[CHUNK_TO_FORCE_RST]);
                s.getInputStream().read();
            });
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
            assertEquals(0, proxy.open());
        }
    }

    private static final int CHUNK_TO_FORCE_RST = 64;

    @Test
    void closeAfterClosesEachConnectionAfterThatManyBytes() throws Exception {
        proxy.closeAfter(10); // 5 bytes up, 5 echoed down
        try (Socket s = client()) {
            assertEquals("12345", roundTrip(s, "12345"));
            s.getOutputStream().write("6789".getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "closed once 10 bytes went through");
        }
    }

    @Test
    void refuseNewRefusesNewConnectionsKeepsOpenOnesAndPassListensAgain() throws Exception {
        try (Socket open = client()) {
            assertEquals("first", roundTrip(open, "first")); // accepted: the kernel resets what is not yet
            proxy.refuseNew();
            assertThrows(ConnectException.class, this::client);
            assertEquals("still", roundTrip(open, "still"));
            proxy.pass();
            try (Socket again = client()) {
                assertEquals("again", roundTrip(again, "again"));
            }
        }
    }

    @Test
    void dropNewMakesConnectTimeOut() throws Exception {
        proxy.dropNew();
        Socket s = new Socket();
        long began = System.nanoTime();
        assertThrows(SocketTimeoutException.class,
                () -> s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 500));
        assertTrue((System.nanoTime() - began) / 1_000_000 >= 450, "the SYN was dropped, not refused");
        s.close();
        proxy.pass();
        try (Socket again = client()) {
            assertEquals("back", roundTrip(again, "back"));
        }
    }
}
