package io.blip.plugin.aws.region;

import io.blip.api.config.MonitorConfig;
import io.blip.api.region.RegionResolver;
import io.blip.plugin.aws.AwsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The region of the EC2 instance Blip runs on, from instance metadata (IMDSv2: a token PUT, then
 * the instance identity document), asked only when {@code aws.region} is empty or {@code auto}
 * and {@code aws.disable-auto-region} is not set.
 *
 * <p>IMDS is asked once per JVM: the answer, a region or "not on EC2", is kept. There are no
 * retries and no IMDSv1 fallback, and every wait is short: {@value #CONNECT_TIMEOUT_MS} ms to
 * connect, {@value #READ_TIMEOUT_MS} ms for an answer, {@value #MAX_ASK_MS} ms for the whole ask.
 * Off EC2 the first failure ends the ask, so it costs less than 200 ms (Blip's budget): a
 * refused connection at once, an unanswered SYN 100 ms, a stalled IMDS or a token PUT lost to the
 * container hop limit 150 ms (a read timeout of 200 ms would pass the budget alone; reliability rows R11
 * and R12). IMDS on an instance answers within a few milliseconds.
 * It honours the AWS SDK's settings, as the monitor that first asks has them in its {@code aws}
 * section, where the runtime reads them from the environment ({@link AwsSettings.Imds}):
 * {@code AWS_EC2_METADATA_DISABLED} (system property {@code aws.disableEc2Metadata}: no request
 * at all), {@code AWS_EC2_METADATA_SERVICE_ENDPOINT} ({@code aws.ec2MetadataServiceEndpoint}) and
 * {@code AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE} ({@code aws.ec2MetadataServiceEndpointMode},
 * {@code IPv4} or {@code IPv6}).
 *
 * <p>Why not the SDK's clients: the region chain's IMDS step takes about 7 s off EC2 and ignores
 * the timeout setting, and the {@code imds} module's {@code Ec2MetadataClient} ignores
 * {@code AWS_EC2_METADATA_DISABLED}. Why {@link HttpURLConnection} rather than
 * {@code java.net.http}: its timeouts are socket timeouts, so a cold JVM's class loading and a
 * busy CPU at boot do not count as network waiting and cannot fail the one ask on a real instance
 * (measured: a cold {@code java.net.http} request with a 150 ms timeout timed out against a local
 * server that answers at once).
 */
public final class ImdsRegionResolver implements RegionResolver {
    /** The most one connect may wait (a SYN that is never answered, as off EC2). */
    static final int CONNECT_TIMEOUT_MS = 100;
    /**
     * The most one request may wait for its answer (a stalled IMDS, or a PUT lost to the hop limit):
     * under 200 ms with the connect and the JDK's own work on top.
     */
    static final int READ_TIMEOUT_MS = 150;
    /** A cap on one whole ask, class loading and all: it never takes seconds. */
    static final int MAX_ASK_MS = 1000;
    /** We use the session token for two requests, at once. */
    private static final String TOKEN_TTL_SECONDS = "60";
    private static final int MAX_BODY = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ImdsRegionResolver.class);

    private final ReentrantLock lock = new ReentrantLock();
    /** Null until IMDS was asked; then its answer for the life of the JVM. Guarded by {@link #lock}. */
    private Optional<String> answer;

    @Override
    public String name() {
        return "imds";
    }

    @Override
    public int order() {
        return 200;
    }

    @Override
    public Optional<String> region(MonitorConfig monitor) {
        AwsSettings aws = AwsSettings.of(monitor);
        if (!aws.autoRegion() || aws.disableAutoRegion()) {
            return Optional.empty();
        }
        lock.lock();
        try {
            if (answer == null) {
                answer = ask(monitor.id(), aws.imds());
            }
            return answer;
        } finally {
            lock.unlock();
        }
    }

    private static Optional<String> ask(String monitorId, AwsSettings.Imds imds) {
        if (imds.disabled()) {
            LOG.debug("monitor {}: EC2 instance metadata is disabled (AWS_EC2_METADATA_DISABLED); not asking it for "
                    + "the region", monitorId);
            return Optional.empty();
        }
        String endpoint = imds.url();
        URI base;
        try {
            base = URI.create(endpoint);
            if (!"http".equalsIgnoreCase(base.getScheme()) && !"https".equalsIgnoreCase(base.getScheme())) {
                throw new IllegalArgumentException("not an http URL");
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("monitor {}: the EC2 instance metadata endpoint '{}' (AWS_EC2_METADATA_SERVICE_ENDPOINT) is not "
                    + "an http URL; not asking it for the region", monitorId, endpoint);
            return Optional.empty();
        }
        long start = System.nanoTime();
        long deadline = start + Duration.ofMillis(MAX_ASK_MS).toNanos();
        try {
            String token = request("PUT", base, "/latest/api/token",
                    "X-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS, deadline);
            String document = request("GET", base, "/latest/dynamic/instance-identity/document",
                    "X-aws-ec2-metadata-token", token, deadline);
            Optional<String> region = JsonNode.parser().parse(document).field("region")
                    .filter(JsonNode::isString).map(JsonNode::asString).filter(r -> !r.isBlank());
            if (region.isEmpty()) {
                LOG.debug("monitor {}: the EC2 instance identity document from {} has no region", monitorId, endpoint);
            }
            return region;
        } catch (IOException | RuntimeException e) {
            LOG.debug("monitor {}: no region from EC2 instance metadata at {} after {} ms ({}); not on EC2, or IMDS "
                    + "is unreachable: not asking again", monitorId, endpoint,
                    Duration.ofNanos(System.nanoTime() - start).toMillis(), e.toString());
            return Optional.empty();
        }
    }

    private static String request(String method, URI base, String path, String header, String value, long deadline)
            throws IOException {
        int left = (int) Duration.ofNanos(deadline - System.nanoTime()).toMillis();
        if (left <= 0) {
            // A timeout of 0 would mean "wait forever" to URLConnection.
            throw new SocketTimeoutException("EC2 instance metadata took more than " + MAX_ASK_MS + " ms");
        }
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + path);
        // IMDS is link-local: never through a proxy from http.proxyHost and friends.
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        try {
            c.setConnectTimeout(Math.min(CONNECT_TIMEOUT_MS, left));
            c.setReadTimeout(Math.min(READ_TIMEOUT_MS, left));
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            c.setRequestMethod(method);
            c.setRequestProperty(header, value);
            if (method.equals("PUT")) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(0);
                c.getOutputStream().close();
            }
            int status = c.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw new IOException(method + " " + path + ": HTTP " + status);
            }
            try (InputStream in = c.getInputStream()) {
                byte[] body = in.readNBytes(MAX_BODY);
                return new String(body, StandardCharsets.UTF_8).trim();
            }
        } finally {
            c.disconnect();
        }
    }
}
