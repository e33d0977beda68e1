package io.blip.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of one target, for the reliability tests: what a network does to a
 * connection, switched while it runs. Each direction of a connection is pumped by a virtual thread of
 * its own, so a test counting the platform threads of the code under test does not count the proxy's.
 *
 * <ul>
 *   <li>{@link #pass()}: bytes flow, new connections are accepted (the start);</li>
 *   <li>{@link #freeze()}: connections are accepted and kept open, bytes read are held in both directions
 *       until the proxy passes again (a stalled link; a server that never greets);</li>
 *   <li>{@link #latency(Duration)}: each chunk waits that long before it is written on;</li>
 *   <li>{@link #reset()}: every open connection is reset (RST, not FIN), the mode stays;</li>
 *   <li>{@link #closeAfter(long)}: each connection is closed once that many more bytes have gone through it;</li>
 *   <li>{@link #refuseNew()}: the listening socket is closed, a new connection is refused at once, open
 *       ones carry on;</li>
 *   <li>{@link #dropNew()}: the port listens with a full backlog that nobody accepts, so the SYNs of new
 *       connections are dropped and a client's connect times out (reliability.md §9's connect stall).</li>
 * </ul>
 */
public final class TcpProxy implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;

    private enum Mode { PASS, FREEZE, LATENCY, CLOSE_AFTER }

    private final InetSocketAddress target;
    private final int port;
    private final Object lock = new Object();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private Mode mode = Mode.PASS;
    private long latencyMillis;
    private long closeAfterBytes;
    private ServerSocket server;
    private Thread acceptor;
    private final List<Socket> backlogFillers = new ArrayList<>();
    private boolean closed;

    private TcpProxy(InetSocketAddress target) {
        this.target = target;
        try {
            this.server = listen(0, 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.port = server.getLocalPort();
        startAccepting(server);
    }

    /** A proxy on a free loopback port in front of {@code host:port}, passing bytes. */
    public static TcpProxy start(String host, int port) {
        return new TcpProxy(new InetSocketAddress(host, port));
    }

    /** A proxy in front of a MariaDB the test started. */
    public static TcpProxy in(MariaDbServer db) {
        return start(db.host(), db.port());
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, the form of Blip's {@code mysql.hostname}. */
    public String hostPort() {
        return host() + ":" + port;
    }

    /** Connections accepted since the start. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now (accepted, not yet closed by either side or the proxy). */
    public int open() {
        return links.size();
    }

    public void pass() {
        setMode(Mode.PASS);
        listenAgain();
    }

    public void freeze() {
        setMode(Mode.FREEZE);
    }

    public void latency(Duration perChunk) {
        synchronized (lock) {
            latencyMillis = perChunk.toMillis();
        }
        setMode(Mode.LATENCY);
    }

    public void closeAfter(long bytes) {
        synchronized (lock) {
            closeAfterBytes = bytes;
            links.forEach(l -> l.budget.set(bytes));
        }
        setMode(Mode.CLOSE_AFTER);
    }

    /** Resets every open connection, both the client's side and the target's. */
    public void reset() {
        links.forEach(Link::reset);
    }

    /**
     * Stops accepting: new connections are refused, open ones carry on (one the kernel had queued but the proxy
     * not yet accepted is reset). {@link #pass()} listens again.
     */
    public void refuseNew() {
        synchronized (lock) {
            closeQuietly(server);
            backlogFillers.forEach(TcpProxy::closeQuietly);
            backlogFillers.clear();
            awaitAcceptorEnd();
        }
    }

    /**
     * Stops accepting so that new connections hang in connect: the port listens with a backlog of one that
     * is filled and never accepted, so the kernel drops further SYNs. {@link #pass()} listens again.
     */
    public void dropNew() {
        synchronized (lock) {
            refuseNew();
            try {
                server = listen(port, 1);
                for (int i = 0; i < 16; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                        backlogFillers.add(s);
                    } catch (SocketTimeoutException full) {
                        s.close();
                        return;
                    }
                }
                throw new IllegalStateException("the backlog of port " + port + " did not fill");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            refuseNew();
            lock.notifyAll();
        }
        links.forEach(Link::close);
    }

    private void setMode(Mode m) {
        synchronized (lock) {
            mode = m;
            lock.notifyAll();
        }
    }

    private void listenAgain() {
        synchronized (lock) {
            if (closed || (!server.isClosed() && backlogFillers.isEmpty())) {
                return;
            }
            refuseNew();
            try {
                server = listen(port, 50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            startAccepting(server);
        }
    }

    private static ServerSocket listen(int port, int backlog) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
        return s;
    }

    /** The port is closed only once the thread in accept has left it. */
    private void awaitAcceptorEnd() {
        if (acceptor == null) {
            return;
        }
        try {
            if (!acceptor.join(Duration.ofSeconds(5))) {
                throw new IllegalStateException("the proxy's accepting thread did not end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        acceptor = null;
    }

    private void startAccepting(ServerSocket listening) {
        acceptor = Thread.ofVirtual().name("tcp-proxy-accept-" + port).start(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket client = listening.accept();
                    accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> open(client));
                } catch (IOException closedOrFailed) {
                    return;
                }
            }
        });
    }

    private void open(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 5_000);
        } catch (IOException e) {
            closeQuietly(upstream);
            new Link(client, upstream).reset();
            return;
        }
        Link link = new Link(client, upstream);
        synchronized (lock) {
            link.budget.set(closeAfterBytes);
            links.add(link);
        }
        Thread.ofVirtual().name("tcp-proxy-up-" + port).start(() -> link.pump(client, upstream));
        Thread.ofVirtual().name("tcp-proxy-down-" + port).start(() -> link.pump(upstream, client));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception ignored) {
            // closing is all we want of it
        }
    }

    /** One proxied connection: the client's socket and ours to the target. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private final AtomicLong budget = new AtomicLong();

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void pump(Socket from, Socket to) {
            byte[] buf = new byte[CHUNK];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    int allowed = waitToForward(n);
                    if (allowed > 0) {
                        out.write(buf, 0, allowed);
                        out.flush();
                    }
                    if (allowed < n || spent()) {
                        break;
                    }
                }
            } catch (IOException | InterruptedException endOfLink) {
                // either side went away or the proxy reset it
            }
            close();
        }

        /** Waits while frozen or for the latency; how many of the n bytes to forward, fewer to close after them. */
        private int waitToForward(int n) throws InterruptedException {
            long delay;
            synchronized (lock) {
                while (mode == Mode.FREEZE && !closed && !client.isClosed()) {
                    lock.wait();
                }
                if (closed || client.isClosed()) {
                    return 0;
                }
                if (mode == Mode.CLOSE_AFTER) {
                    long left = budget.getAndAdd(-n);
                    if (left < n) {
                        return (int) Math.max(0, left);
                    }
                }
                delay = mode == Mode.LATENCY ? latencyMillis : 0;
            }
            if (delay > 0) {
                Thread.sleep(delay); // the latency the test asked for, not a wait for an outcome
            }
            return n;
        }

        private boolean spent() {
            synchronized (lock) {
                return mode == Mode.CLOSE_AFTER && budget.get() <= 0;
            }
        }

        void reset() {
            try {
                client.setSoLinger(true, 0);
                upstream.setSoLinger(true, 0);
            } catch (IOException alreadyClosed) {
                // closing is all that is left
            }
            close();
        }

        void close() {
            links.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }
}
