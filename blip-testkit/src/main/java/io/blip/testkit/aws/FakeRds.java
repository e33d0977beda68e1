package io.blip.testkit.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Amazon RDS endpoint on loopback that answers {@code DescribeDBInstances} in the AWS Query
 * protocol, as the AWS SDK asks for it: a form-encoded {@code POST /}
 * ({@code Action=DescribeDBInstances&Version=2014-10-31&Marker=...&MaxRecords=...}) answered with
 * XML, one page of at most {@code MaxRecords} (default 100) instances and a {@code Marker} for the
 * next. Point the SDK at it with {@code AWS_ENDPOINT_URL_RDS} or the system property
 * {@code aws.endpointUrlRds}.
 *
 * <p>One fake serves every region: each request is answered from the instances of the region in
 * its SigV4 credential scope. Instances may lack an endpoint (being created) or a cluster, and may
 * carry tags. Faults (throttling, access denied, server error, stall) apply per region or to all.
 */
public final class FakeRds implements AutoCloseable {
    /** Any region, for {@link #fail(String, Fault, int)}. */
    public static final String ALL_REGIONS = "*";

    private static final String XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/";
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/");

    /** What a call gets instead of an answer. */
    public enum Fault {
        /** 400 {@code Throttling} (the SDK retries it). */
        THROTTLE,
        /** 403 {@code AccessDenied}. */
        ACCESS_DENIED,
        /** 500 {@code InternalFailure}. */
        SERVER_ERROR,
        /** Reads the request and never answers (until {@link #close}). */
        STALL
    }

    /**
     * A DB instance.
     *
     * @param id        {@code DBInstanceIdentifier}
     * @param address   the endpoint address; null: no {@code Endpoint} (the instance is being created)
     * @param port      the endpoint port
     * @param status    {@code DBInstanceStatus}
     * @param clusterId {@code DBClusterIdentifier}; null for an instance outside a cluster
     * @param tags      {@code TagList}
     */
    public record Instance(String id, String address, int port, String status, String clusterId,
                           Map<String, String> tags) {
        public Instance {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(status, "status");
            tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags == null ? Map.of() : tags));
        }

        /** An available instance outside any cluster, without tags. */
        public static Instance of(String id, String address, int port) {
            return new Instance(id, address, port, "available", null, Map.of());
        }

        /** An instance being created: no endpoint yet. */
        public static Instance creating(String id) {
            return new Instance(id, null, 0, "creating", null, Map.of());
        }

        public Instance withTags(Map<String, String> newTags) {
            return new Instance(id, address, port, status, clusterId, newTags);
        }

        public Instance inCluster(String cluster) {
            return new Instance(id, address, port, status, cluster, tags);
        }
    }

    /**
     * One request as received.
     *
     * @param region the region of the SigV4 credential scope
     * @param params the form parameters ({@code Action}, {@code Version}, {@code Marker}, ...)
     */
    public record Request(String region, Map<String, String> params) {
    }

    private record FaultState(Fault fault, AtomicInteger remaining) {
        /** Whether this call fails; counts the call down. */
        boolean take() {
            return remaining.getAndUpdate(n -> n > 0 ? n - 1 : n) != 0;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, List<Instance>> instances = new ConcurrentHashMap<>();
    private final Map<String, FaultState> faults = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FakeRds() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a fake on a free loopback port. */
    public static FakeRds start() throws IOException {
        return new FakeRds();
    }

    /** {@code http://127.0.0.1:<port>}: the value for {@code aws.endpointUrlRds}. */
    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    /** Adds instances to the region, after those it has. */
    public FakeRds add(String region, Instance... more) {
        instances.computeIfAbsent(region, r -> new CopyOnWriteArrayList<>()).addAll(List.of(more));
        return this;
    }

    /** Every call for the region ({@link #ALL_REGIONS}: any) fails this way until {@link #clearFaults}. */
    public FakeRds fail(String region, Fault fault) {
        faults.put(region, new FaultState(fault, new AtomicInteger(-1)));
        return this;
    }

    /** The next {@code times} calls for the region ({@link #ALL_REGIONS}: any) fail this way. */
    public FakeRds fail(String region, Fault fault, int times) {
        faults.put(region, new FaultState(fault, new AtomicInteger(times)));
        return this;
    }

    public void clearFaults() {
        faults.clear();
    }

    /** The number of requests received (each SDK retry is one). */
    public int calls() {
        return requests.size();
    }

    /** The requests received, oldest first. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> params = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String region = region(auth == null ? "" : auth);
            requests.add(new Request(region, params));
            if (!"POST".equals(exchange.getRequestMethod())) {
                error(exchange, 400, "InvalidAction", "The Query protocol is a form-encoded POST");
                return;
            }
            if (!"DescribeDBInstances".equals(params.get("Action")) || !"2014-10-31".equals(params.get("Version"))) {
                error(exchange, 400, "InvalidAction", "Could not find operation " + params.get("Action")
                        + " for version " + params.get("Version"));
                return;
            }
            FaultState f = faults.getOrDefault(region, faults.get(ALL_REGIONS));
            if (f != null && f.take()) {
                answerWith(exchange, f.fault(), region);
                return;
            }
            describe(exchange, region, params);
        }
    }

    private void describe(HttpExchange exchange, String region, Map<String, String> params) throws IOException {
        int max;
        int from;
        try {
            max = Integer.parseInt(params.getOrDefault("MaxRecords", "100"));
            from = offset(params.getOrDefault("Marker", ""));
        } catch (NumberFormatException e) {
            error(exchange, 400, "InvalidParameterValue", "MaxRecords or Marker is not valid");
            return;
        }
        if (max < 20 || max > 100) {
            error(exchange, 400, "InvalidParameterValue", "Invalid value " + max + " for MaxRecords. Must be "
                    + "between 20 and 100");
            return;
        }
        List<Instance> all = instances.getOrDefault(region, List.of());
        int to = Math.min(all.size(), from + max);
        var xml = new StringBuilder("<DescribeDBInstancesResponse xmlns=\"" + XMLNS + "\">\n  <DescribeDBInstancesResult>\n");
        if (to < all.size()) {
            xml.append("    <Marker>").append(escape(marker(to))).append("</Marker>\n");
        }
        xml.append("    <DBInstances>\n");
        for (Instance i : all.subList(Math.min(from, all.size()), to)) {
            instanceXml(xml, i, region);
        }
        xml.append("    </DBInstances>\n  </DescribeDBInstancesResult>\n");
        xml.append("  <ResponseMetadata><RequestId>").append(UUID.randomUUID()).append("</RequestId></ResponseMetadata>\n");
        xml.append("</DescribeDBInstancesResponse>\n");
        send(exchange, 200, xml.toString());
    }

    private static void instanceXml(StringBuilder xml, Instance i, String region) {
        xml.append("      <DBInstance>\n");
        element(xml, "DBInstanceIdentifier", i.id());
        element(xml, "DBInstanceClass", "db.r6g.large");
        element(xml, "Engine", i.clusterId() == null ? "mysql" : "aurora-mysql");
        element(xml, "EngineVersion", "8.0.39");
        element(xml, "DBInstanceStatus", i.status());
        element(xml, "AvailabilityZone", region + "a");
        if (i.clusterId() != null) {
            element(xml, "DBClusterIdentifier", i.clusterId());
        }
        if (i.address() != null) {
            xml.append("        <Endpoint>\n");
            xml.append("          <Address>").append(escape(i.address())).append("</Address>\n");
            xml.append("          <Port>").append(i.port()).append("</Port>\n");
            xml.append("          <HostedZoneId>Z2R2ITUGPM61AM</HostedZoneId>\n");
            xml.append("        </Endpoint>\n");
        }
        xml.append("        <TagList>\n");
        i.tags().forEach((k, v) -> xml.append("          <Tag><Key>").append(escape(k)).append("</Key><Value>")
                .append(escape(v)).append("</Value></Tag>\n"));
        xml.append("        </TagList>\n");
        xml.append("      </DBInstance>\n");
    }

    private static void element(StringBuilder xml, String name, String value) {
        xml.append("        <").append(name).append('>').append(escape(value)).append("</").append(name).append(">\n");
    }

    private void answerWith(HttpExchange exchange, Fault fault, String region) throws IOException {
        switch (fault) {
            case THROTTLE -> error(exchange, 400, "Throttling", "Rate exceeded");
            case ACCESS_DENIED -> error(exchange, 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/blip-test "
                    + "is not authorized to perform: rds:DescribeDBInstances on resource: arn:aws:rds:" + region
                    + ":123456789012:db:*");
            case SERVER_ERROR -> error(exchange, 500, "InternalFailure", "An internal error has occurred");
            case STALL -> {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        String type = status >= 500 ? "Receiver" : "Sender";
        send(exchange, status, "<ErrorResponse xmlns=\"" + XMLNS + "\">\n"
                + "  <Error>\n    <Type>" + type + "</Type>\n    <Code>" + escape(code) + "</Code>\n"
                + "    <Message>" + escape(message) + "</Message>\n  </Error>\n"
                + "  <RequestId>" + UUID.randomUUID() + "</RequestId>\n</ErrorResponse>\n");
    }

    private static void send(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /** An opaque-looking marker, as RDS gives. */
    private static String marker(int offset) {
        return "marker-" + offset + "-" + Integer.toHexString(offset * 7919 + 17);
    }

    private static int offset(String marker) {
        if (marker.isEmpty()) {
            return 0;
        }
        String[] parts = marker.split("-");
        if (parts.length != 3 || !parts[0].equals("marker") || !marker(Integer.parseInt(parts[1])).equals(marker)) {
            throw new NumberFormatException("marker " + marker);
        }
        return Integer.parseInt(parts[1]);
    }

    private static Map<String, String> form(String body) {
        var params = new LinkedHashMap<String, String>();
        for (String pair : body.isEmpty() ? new String[0] : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String region(String authorization) {
        Matcher m = SCOPE.matcher(authorization);
        return m.find() ? m.group(1) : "";
    }

    @Override
    public String toString() {
        return "FakeRds[" + endpoint() + "]";
    }
}
