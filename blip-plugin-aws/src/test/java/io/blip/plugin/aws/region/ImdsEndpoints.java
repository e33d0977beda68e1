package io.blip.plugin.aws.region;

import static io.blip.plugin.aws.TestMonitors.monitor;

import io.blip.api.config.MonitorConfig;
import io.blip.plugin.aws.TestMonitors.Environment;
import io.blip.testkit.aws.FakeImds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** IMDS endpoints that are not there, for rows R11 and R12, and the timing of one resolver's first ask. */
final class ImdsEndpoints {
    static final String ENDPOINT = "aws.ec2MetadataServiceEndpoint";
    static final String DISABLED = "aws.disableEc2Metadata";

    private ImdsEndpoints() {
    }

    /** A monitor with {@code region: auto} and IMDS at {@code endpoint}, as the runtime reads its section. */
    static MonitorConfig auto(String endpoint, boolean disabled) {
        var env = new Environment().set(ENDPOINT, endpoint).set(DISABLED, disabled ? "true" : null);
        return monitor("db.example.com", env.region("auto"));
    }

    /** A first ask of a new resolver: its answer and how long it took. */
    record Ask(Optional<String> region, long millis, long cachedMicros) {
    }

    static Ask ask(String endpoint) {
        ImdsRegionResolver resolver = new ImdsRegionResolver();
        MonitorConfig m = auto(endpoint, false);
        long start = System.nanoTime();
        Optional<String> region = resolver.region(m);
        long first = Duration.ofNanos(System.nanoTime() - start).toMillis();
        start = System.nanoTime();
        resolver.region(m);
        return new Ask(region, first, Duration.ofNanos(System.nanoTime() - start).toNanos() / 1000);
    }

    /** Loads the HTTP and JSON classes once, as a long-running Blip has. */
    static void warmUp() {
        try (FakeImds imds = FakeImds.start("us-east-1")) {
            ask(imds.endpoint());
        }
    }

    /**
     * reliability.md §9's connect-stall trick: a socket whose backlog of 1 is filled with connections
     * nobody accepts, so the kernel drops further SYNs and a connect times out.
     */
    static final class BacklogFull implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> fillers = new ArrayList<>();
        private final boolean full;

        BacklogFull() {
            try {
                server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                boolean stalled = false;
                for (int i = 0; i < 16 && !stalled; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 100);
                        fillers.add(s);
                    } catch (SocketTimeoutException e) {
                        s.close();
                        stalled = true;
                    }
                }
                full = stalled;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Whether a connect timed out: the kernel drops SYNs now. */
        boolean full() {
            return full;
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                s.close();
            }
            server.close();
        }
    }

    /** A port that accepts and counts connections, and closes each at once. */
    static final class Counting implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger accepted = new AtomicInteger();

        Counting() {
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** A loopback port nothing listens on. */
    static String refused() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
