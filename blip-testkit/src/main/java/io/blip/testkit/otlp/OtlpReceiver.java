package io.blip.testkit.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP metrics receiver on loopback, for tests: OTLP/HTTP ({@code POST /v1/metrics},
 * binary protobuf, gzip) on the JDK's HTTP server, or OTLP/gRPC on grpc-java's Netty server. It
 * decodes each {@code ExportMetricsServiceRequest} with the published OTLP protos and keeps it, with
 * the request's headers, for assertions. What it answers is set with {@link #answer}: success, a
 * rejection, throttling with {@code Retry-After}, or no answer at all.
 *
 * <p>gRPC needs HTTP/2 with trailers, which the JDK's server does not speak, hence grpc-java here;
 * the Blip exporter under test never uses io.grpc (it talks gRPC through okhttp).
 */
public final class OtlpReceiver implements AutoCloseable {
    private static final String SERVICE = "opentelemetry.proto.collector.metrics.v1.MetricsService";
    private static final Context.Key<Metadata> HEADERS = Context.key("otlp-headers");
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
        /** 429 with {@code Retry-After: 1} / RESOURCE_EXHAUSTED. */
        TOO_MANY_REQUESTS,
        /** 503 with {@code Retry-After: 1} / UNAVAILABLE. */
        UNAVAILABLE,
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
     */
    public record Received(Map<String, String> headers, String encoding, ExportMetricsServiceRequest request,
                           Answer answer) {
    }

    private final String protocol;
    private final List<Received> received = new ArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Answer answer = Answer.OK;
    private HttpServer http;
    private ExecutorService httpExecutor;
    private Server grpc;
    private int port;

    private OtlpReceiver(String protocol) {
        this.protocol = protocol;
    }

    /** An OTLP/HTTP receiver; its {@link #endpoint()} is {@code http://127.0.0.1:<port>/v1/metrics}. */
    public static OtlpReceiver http() throws IOException {
        var r = new OtlpReceiver("http/protobuf");
        r.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        r.httpExecutor = Executors.newCachedThreadPool();
        r.http.setExecutor(r.httpExecutor);
        r.http.createContext("/v1/metrics", r::handleHttp);
        r.http.start();
        r.port = r.http.getAddress().getPort();
        return r;
    }

    /** An OTLP/gRPC receiver; its {@link #endpoint()} is {@code http://127.0.0.1:<port>}. */
    public static OtlpReceiver grpc() throws IOException {
        var r = new OtlpReceiver("grpc");
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(EXPORT, ServerCalls.asyncUnaryCall(r::handleGrpc))
                .build();
        r.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerInterceptors.intercept(service, new HeaderCapture()))
                .build()
                .start();
        r.port = r.grpc.getPort();
        return r;
    }

    public String protocol() {
        return protocol;
    }

    /** Where an exporter sends to. */
    public String endpoint() {
        String base = "http://127.0.0.1:" + port;
        return protocol.equals("grpc") ? base : base + "/v1/metrics";
    }

    /** Sets what every later request is answered with. */
    public OtlpReceiver answer(Answer a) {
        this.answer = a;
        return this;
    }

    /** The requests received so far. */
    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits until at least {@code count} requests arrived; fails after {@code timeout}. */
    public synchronized List<Received> await(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " OTLP request(s) within " + timeout + ", got "
                        + received.size());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(received);
    }

    private synchronized void keep(Received r) {
        received.add(r);
        notifyAll();
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
            Answer a = answer;
            keep(new Received(Map.copyOf(headers), encoding, request, a));
            switch (a) {
                case OK -> {
                    byte[] ok = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                    exchange.getResponseBody().write(ok);
                }
                case BAD_REQUEST -> exchange.sendResponseHeaders(400, -1);
                case TOO_MANY_REQUESTS, UNAVAILABLE -> {
                    exchange.getResponseHeaders().set("Retry-After", "1");
                    exchange.sendResponseHeaders(a == Answer.UNAVAILABLE ? 503 : 429, -1);
                }
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
        Answer a = answer;
        keep(new Received(Map.copyOf(headers), headers.getOrDefault("grpc-encoding", ""), request, a));
        switch (a) {
            case OK -> {
                response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
                response.onCompleted();
            }
            case BAD_REQUEST -> response.onError(Status.INVALID_ARGUMENT.withDescription("bad request").asException());
            case TOO_MANY_REQUESTS -> response.onError(Status.RESOURCE_EXHAUSTED.asException());
            case UNAVAILABLE -> response.onError(Status.UNAVAILABLE.asException());
            case STALL -> {
                // No answer: the client's deadline ends the call.
            }
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

    /** Puts each call's metadata where the handler can read it. */
    private static final class HeaderCapture implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                           ServerCallHandler<Q, A> next) {
            return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
        }
    }
}
