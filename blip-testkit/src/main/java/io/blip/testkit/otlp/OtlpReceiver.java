package io.blip.testkit.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.blip.testkit.TestCertificates;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real OTLP metrics receiver on loopback, for tests: OTLP/HTTP ({@code POST /v1/metrics},
 * binary protobuf, gzip) on the JDK's HTTP server, or OTLP/gRPC on grpc-java's Netty server. It
 * decodes each {@code ExportMetricsServiceRequest} with the published OTLP protos and keeps it, with
 * the request's headers, for assertions. What it answers is set with {@link #answer}: success, a
 * rejection, throttling with {@code Retry-After}, or no answer at all.
 *
 * <p>gRPC needs HTTP/2 with trailers, which the JDK's server does not speak, hence grpc-java here;
 * the Blip exporter under test never uses io.grpc (it talks gRPC through okhttp).
 *
 * <p>With TLS ({@link #https}, {@link #grpcTls}, or {@link #tls} for either) the receiver presents a
 * certificate chain the test made (see {@link TestCertificates}), so the test chooses what the client
 * must trust and which names the certificate has: one for {@code IP:127.0.0.1} matches
 * {@link #endpoint()}, one for another name does not. Given a client CA, it asks for a client
 * certificate and refuses the handshake without one that chains to that CA (mutual TLS); each
 * {@link Received} says whose certificate the request came with.
 */
public final class OtlpReceiver implements AutoCloseable {
    private static final String SERVICE = "opentelemetry.proto.collector.metrics.v1.MetricsService";
    private static final Context.Key<Metadata> HEADERS = Context.key("otlp-headers");
    private static final Context.Key<SSLSession> SESSION = Context.key("otlp-tls-session");
    private static final MethodDescriptor<ExportMetricsServiceRequest, ExportMetricsServiceResponse> EXPORT =
            MethodDescriptor.<ExportMetricsServiceRequest, ExportMetricsServiceResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Export"))
                    .setRequestMarshaller(ProtoUtils.marshaller(ExportMetricsServiceRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(ExportMetricsServiceResponse.getDefaultInstance()))
                    .build();

    /** What the receiver answers every request with. */
    public enum Answer {
        /** 200 / gRPC OK. */
        OK,
        /** 400 / INVALID_ARGUMENT: a request that must not be retried. */
        BAD_REQUEST,
        /** 429 with {@code Retry-After: 1} (or {@link #retryAfter}) / RESOURCE_EXHAUSTED. */
        TOO_MANY_REQUESTS,
        /** 503 with {@code Retry-After: 1} (or {@link #retryAfter}) / UNAVAILABLE. */
        UNAVAILABLE,
        /**
         * 413 / RESOURCE_EXHAUSTED "message larger than max": what a collector answers a request over
         * its size limit ({@link #limit}).
         */
        TOO_LARGE,
        /** Never answers (until closed): a stalled collector. */
        STALL
    }

    /**
     * One request as received.
     *
     * @param headers  request headers, names in lower case (for gRPC: the metadata)
     * @param encoding the content encoding ({@code gzip}) or {@code ""}; for gRPC, {@code grpc-encoding}
     * @param request  the decoded request
     * @param answer   what the receiver answered it with: only {@link Answer#OK} means delivered
     * @param client   the subject of the client's TLS certificate ({@code CN=..., O=...}); {@code ""} without one
     */
    public record Received(Map<String, String> headers, String encoding, ExportMetricsServiceRequest request,
                           Answer answer, String client) {
        public Received {
            client = client == null ? "" : client;
        }

        /** A request that came without a client certificate. */
        public Received(Map<String, String> headers, String encoding, ExportMetricsServiceRequest request,
                        Answer answer) {
            this(headers, encoding, request, answer, "");
        }
    }

    private final String protocol;
    private final boolean tls;
    private final List<Received> received = new ArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Answer answer = Answer.OK;
    private volatile String retryAfter = "1";
    private volatile long limit = Long.MAX_VALUE;
    private HttpServer http;
    private ExecutorService httpExecutor;
    private Server grpc;
    private int port;

    private OtlpReceiver(String protocol, boolean tls) {
        this.protocol = protocol;
        this.tls = tls;
    }

    /** An OTLP/HTTP receiver; its {@link #endpoint()} is {@code http://127.0.0.1:<port>/v1/metrics}. */
    public static OtlpReceiver http() throws IOException {
        var r = new OtlpReceiver("http/protobuf", false);
        r.startHttp(HttpServer.create(loopback(), 0));
        return r;
    }

    /** An OTLP/gRPC receiver; its {@link #endpoint()} is {@code http://127.0.0.1:<port>}. */
    public static OtlpReceiver grpc() throws IOException {
        var r = new OtlpReceiver("grpc", false);
        r.startGrpc(NettyServerBuilder.forAddress(loopback()));
        return r;
    }

    /** {@link #http()} or {@link #grpc()}, by OTLP protocol name ({@code http/protobuf} or {@code grpc}). */
    public static OtlpReceiver of(String protocol) throws IOException {
        return protocol.equals("grpc") ? grpc() : http();
    }

    /**
     * An OTLP/HTTP receiver over TLS (the JDK's HTTPS server) presenting {@code server}'s chain; its
     * {@link #endpoint()} is {@code https://127.0.0.1:<port>/v1/metrics}.
     *
     * @param clientCa null to ask for no client certificate; else the CA a client certificate must
     *                 chain to, and the handshake fails without one (mutual TLS)
     */
    public static OtlpReceiver https(TestCertificates.Issued server, X509Certificate clientCa) throws IOException {
        SSLContext context = sslContext(server, clientCa);
        HttpsServer https = HttpsServer.create(loopback(), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setNeedClientAuth(clientCa != null);
                params.setSSLParameters(p);
            }
        });
        var r = new OtlpReceiver("http/protobuf", true);
        r.startHttp(https);
        return r;
    }

    /**
     * An OTLP/gRPC receiver over TLS presenting {@code server}'s chain; its {@link #endpoint()} is
     * {@code https://127.0.0.1:<port>}.
     *
     * @param clientCa null to ask for no client certificate; else the CA a client certificate must
     *                 chain to, and the handshake fails without one (mutual TLS)
     */
    public static OtlpReceiver grpcTls(TestCertificates.Issued server, X509Certificate clientCa) throws IOException {
        var credentials = TlsServerCredentials.newBuilder().keyManager(keyManagers(server).getKeyManagers());
        if (clientCa != null) {
            credentials.trustManager(trustManagers(clientCa).getTrustManagers())
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        var r = new OtlpReceiver("grpc", true);
        r.startGrpc(NettyServerBuilder.forAddress(loopback(), credentials.build()));
        return r;
    }

    /** {@link #https} or {@link #grpcTls}, by OTLP protocol name ({@code http/protobuf} or {@code grpc}). */
    public static OtlpReceiver tls(String protocol, TestCertificates.Issued server, X509Certificate clientCa)
            throws IOException {
        return protocol.equals("grpc") ? grpcTls(server, clientCa) : https(server, clientCa);
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private void startHttp(HttpServer server) {
        http = server;
        httpExecutor = Executors.newCachedThreadPool();
        http.setExecutor(httpExecutor);
        http.createContext("/v1/metrics", this::handleHttp);
        http.start();
        port = http.getAddress().getPort();
    }

    private void startGrpc(NettyServerBuilder builder) throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(EXPORT, ServerCalls.asyncUnaryCall(this::handleGrpc))
                .build();
        grpc = builder.addService(ServerInterceptors.intercept(service, new HeaderCapture())).build().start();
        port = grpc.getPort();
    }

    /** The server's TLS context: its chain and key, and the client CA to trust if any. */
    private static SSLContext sslContext(TestCertificates.Issued server, X509Certificate clientCa) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(server).getKeyManagers(),
                    clientCa == null ? null : trustManagers(clientCa).getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the receiver's TLS context: " + e.getMessage(), e);
        }
    }

    private static KeyManagerFactory keyManagers(TestCertificates.Issued server) {
        try {
            char[] password = "receiver".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", server.key(), password, server.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            return kmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load the receiver's key: " + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory trustManagers(X509Certificate ca) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("client-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load the client CA: " + e.getMessage(), e);
        }
    }

    public String protocol() {
        return protocol;
    }

    /** Where an exporter sends to: {@code http[s]://127.0.0.1:<port>}, with {@code /v1/metrics} for HTTP. */
    public String endpoint() {
        return endpoint("127.0.0.1");
    }

    /**
     * The endpoint with another name for this host, e.g. {@code localhost}: to test that the client
     * checks the name it was given against the certificate. The receiver listens on 127.0.0.1 only.
     */
    public String endpoint(String host) {
        String base = (tls ? "https://" : "http://") + host + ":" + port;
        return protocol.equals("grpc") ? base : base + "/v1/metrics";
    }

    /** The port the receiver listens on (on 127.0.0.1). */
    public int port() {
        return port;
    }

    /** Sets what every later request is answered with. */
    public OtlpReceiver answer(Answer a) {
        this.answer = a;
        return this;
    }

    /** Sets the {@code Retry-After} of later 429 and 503 answers (seconds or an HTTP date). */
    public OtlpReceiver retryAfter(String value) {
        this.retryAfter = value;
        return this;
    }

    /** Answers {@link Answer#TOO_LARGE} to a request whose protobuf is over {@code bytes}, whatever {@link #answer} says. */
    public OtlpReceiver limit(long bytes) {
        this.limit = bytes;
        return this;
    }

    /** The requests received so far. */
    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /**
     * The requests received since the last call, which the receiver then forgets: for a long run
     * (a benchmark) that must not keep every request it was sent. {@link #await} counts only what is
     * left.
     */
    public synchronized List<Received> take() {
        List<Received> out = List.copyOf(received);
        received.clear();
        return out;
    }

    /**
     * Like {@link #take()}, but waits up to {@code timeout} for a request when none is left; empty
     * when none came.
     */
    public synchronized List<Received> take(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); received.isEmpty() && left > 0; left = deadline - System.nanoTime()) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return take();
    }

    /** Waits until at least {@code count} requests arrived; fails after {@code timeout}. */
    public List<Received> await(int count, Duration timeout) throws InterruptedException {
        return await(count + " OTLP request(s)", got -> got.size() >= count, timeout);
    }

    /**
     * Waits until the requests received so far satisfy {@code done}, e.g. that three were answered
     * {@link Answer#OK}; fails after {@code timeout}, naming {@code what} it waited for.
     *
     * @return the requests received so far
     */
    public synchronized List<Received> await(String what, Predicate<List<Received>> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(List.copyOf(received))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + what + " within " + timeout + ", got " + received.size()
                        + " OTLP request(s)");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(received);
    }

    /**
     * Runs {@code listener} after each request is kept (e.g. a {@link io.blip.testkit.Signal}'s
     * {@code fire}), for a test that waits for a condition over this receiver and other things.
     */
    public OtlpReceiver onReceive(Runnable listener) {
        listeners.add(listener);
        return this;
    }

    private void keep(Received r) {
        synchronized (this) {
            received.add(r);
            notifyAll();
        }
        listeners.forEach(Runnable::run);
    }

    private void handleHttp(HttpExchange exchange) throws IOException {
        try (exchange) {
            var headers = new TreeMap<String, String>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String encoding = headers.getOrDefault("content-encoding", "");
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            ExportMetricsServiceRequest request;
            try (InputStream in = encoding.equals("gzip")
                    ? new GZIPInputStream(new ByteArrayInputStream(body)) : new ByteArrayInputStream(body)) {
                request = ExportMetricsServiceRequest.parseFrom(in);
            } catch (InvalidProtocolBufferException e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            Answer a = request.getSerializedSize() > limit ? Answer.TOO_LARGE : answer;
            String client = exchange instanceof HttpsExchange h ? clientOf(h.getSSLSession()) : "";
            keep(new Received(Map.copyOf(headers), encoding, request, a, client));
            switch (a) {
                case OK -> {
                    byte[] ok = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                    exchange.getResponseBody().write(ok);
                }
                case BAD_REQUEST -> exchange.sendResponseHeaders(400, -1);
                case TOO_MANY_REQUESTS, UNAVAILABLE -> {
                    exchange.getResponseHeaders().set("Retry-After", retryAfter);
                    exchange.sendResponseHeaders(a == Answer.UNAVAILABLE ? 503 : 429, -1);
                }
                case TOO_LARGE -> exchange.sendResponseHeaders(413, -1);
                case STALL -> stall();
            }
        }
    }

    private void handleGrpc(ExportMetricsServiceRequest request,
                            StreamObserver<ExportMetricsServiceResponse> response) {
        Metadata metadata = HEADERS.get();
        var headers = new TreeMap<String, String>();
        if (metadata != null) {
            for (String key : metadata.keys()) {
                if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                    headers.put(key, metadata.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER)));
                }
            }
        }
        Answer a = request.getSerializedSize() > limit ? Answer.TOO_LARGE : answer;
        keep(new Received(Map.copyOf(headers), headers.getOrDefault("grpc-encoding", ""), request, a,
                clientOf(SESSION.get())));
        switch (a) {
            case OK -> {
                response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
                response.onCompleted();
            }
            case BAD_REQUEST -> response.onError(Status.INVALID_ARGUMENT.withDescription("bad request").asException());
            case TOO_MANY_REQUESTS -> response.onError(Status.RESOURCE_EXHAUSTED.asException());
            case UNAVAILABLE -> response.onError(Status.UNAVAILABLE.asException());
            case TOO_LARGE -> response.onError(Status.RESOURCE_EXHAUSTED.withDescription("message larger than max")
                    .asException());
            case STALL -> {
                // No answer: the client's deadline ends the call.
            }
        }
    }

    /** The subject of the client's certificate in this TLS session, or {@code ""}. */
    private static String clientOf(SSLSession session) {
        if (session == null) {
            return "";
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x
                    ? x.getSubjectX500Principal().getName() : "";
        } catch (SSLPeerUnverifiedException none) {
            return "";
        }
    }

    private void stall() {
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        released.countDown();
        if (http != null) {
            http.stop(0);
            httpExecutor.shutdownNow();
        }
        if (grpc != null) {
            grpc.shutdownNow();
            try {
                grpc.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Puts each call's metadata and TLS session where the handler can read them. */
    private static final class HeaderCapture implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                           ServerCallHandler<Q, A> next) {
            Context context = Context.current().withValue(HEADERS, headers)
                    .withValue(SESSION, call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
            return Contexts.interceptCall(context, call, headers, next);
        }
    }
}
