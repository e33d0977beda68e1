package io.blip.testkit.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.blip.testkit.TestSecrets;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The AWS IAM Identity Center (SSO) portal on loopback: a real HTTP server speaking the REST-JSON
 * protocol of {@code GetRoleCredentials} ({@code GET /federation/credentials?role_name=..&account_id=..}
 * with the access token of {@code aws sso login} in the {@code x-amz-sso_bearer_token} header), the
 * one call the SDK's SSO credential provider makes. Tests point the real SDK at it the way a user
 * would: {@code AWS_ENDPOINT_URL_SSO} (system property {@code aws.endpointUrlSso}).
 *
 * <p>Only tokens given to {@link #accept} are good; any other answers HTTP 401
 * {@code UnauthorizedException}, as the portal does for an expired or signed-out session. Each good
 * call issues fresh role credentials whose secret key is {@link #secretKeyOf} the key id. Every
 * call is recorded, token and all.
 */
public final class FakeSso implements AutoCloseable {
    /** The path of {@code GetRoleCredentials}. */
    public static final String GET_ROLE_CREDENTIALS = "/federation/credentials";
    /** The header the access token arrives in. */
    public static final String BEARER_HEADER = "x-amz-sso_bearer_token";

    /** One call as the server saw it; {@code issuedKeyId} is null when it was refused. */
    public record Call(String method, String path, String roleName, String accountId, String bearerToken,
                       String issuedKeyId) {
    }

    private final HttpServer server;
    private final Set<String> accepted = new HashSet<>();
    private final List<Call> calls = new ArrayList<>();
    private Duration lifetime = Duration.ofHours(1);
    private int issued;

    private FakeSso(HttpServer server) {
        this.server = server;
    }

    /** Starts on an ephemeral loopback port. */
    public static FakeSso start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeSso fake = new FakeSso(server);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake SSO portal", e);
        }
    }

    /** The endpoint URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    /** Makes {@code token} a signed-in session's access token. */
    public synchronized FakeSso accept(String token) {
        accepted.add(token);
        return this;
    }

    /** How long the role credentials issued from now on are valid (one hour unless changed). */
    public synchronized FakeSso credentialLifetime(Duration newLifetime) {
        lifetime = newLifetime;
        return this;
    }

    /** The secret access key issued with {@code accessKeyId}. */
    public static String secretKeyOf(String accessKeyId) {
        return TestSecrets.secret("FakeSso.secret-key." + accessKeyId, "fake-sso-secret-" + accessKeyId);
    }

    /** The session token issued with {@code accessKeyId}. */
    public static String sessionTokenOf(String accessKeyId) {
        return TestSecrets.secret("FakeSso.session-token." + accessKeyId, "fake-sso-session-" + accessKeyId);
    }

    /**
     * Writes what {@code aws sso login} leaves in {@code home}: the access token in
     * {@code .aws/sso/cache/<SHA-1 of key>.json}, where the SDK looks for it (and reads
     * {@code expiresAt}). {@code key} is the start URL for a profile with {@code sso_start_url}, the
     * session's name for one with {@code sso_session}. Returns the file.
     */
    public static Path cacheToken(Path home, String key, String startUrl, String region, String token,
                                  Instant expiresAt) throws IOException {
        Path cache = Files.createDirectories(home.resolve(".aws").resolve("sso").resolve("cache"));
        String name;
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(key.getBytes(StandardCharsets.UTF_8));
            name = HexFormat.of().formatHex(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
        return Files.writeString(cache.resolve(name + ".json"), "{\"startUrl\": \"" + startUrl + "\", \"region\": \""
                + region + "\", \"accessToken\": \"" + token + "\", \"expiresAt\": \"" + expiresAt + "\"}\n");
    }

    /** How many requests arrived (every SDK attempt counts). */
    public synchronized int callCount() {
        return calls.size();
    }

    /** Every request so far, in order. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The last request, if any came. */
    public synchronized Optional<Call> lastCall() {
        return calls.isEmpty() ? Optional.empty() : Optional.of(calls.getLast());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String token = exchange.getRequestHeaders().getFirst(BEARER_HEADER);
            boolean valid = "GET".equals(method) && GET_ROLE_CREDENTIALS.equals(path)
                    && query.containsKey("role_name") && query.containsKey("account_id");
            String keyId = null;
            Instant expiration;
            synchronized (this) {
                boolean good = valid && token != null && accepted.contains(token);
                if (good) {
                    keyId = String.format("ASIAFAKESSO%08d", ++issued);
                }
                expiration = Instant.now().plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
                calls.add(new Call(method, path, query.get("role_name"), query.get("account_id"), token, keyId));
            }
            if (!valid) {
                error(exchange, 400, "InvalidRequestException", "only GET " + GET_ROLE_CREDENTIALS
                        + "?role_name=..&account_id=.. is served");
            } else if (keyId == null) {
                error(exchange, 401, "UnauthorizedException", "Session token not found or invalid");
            } else {
                send(exchange, 200, "{\"roleCredentials\":{\"accessKeyId\":\"" + keyId + "\",\"secretAccessKey\":\""
                        + secretKeyOf(keyId) + "\",\"sessionToken\":\"" + sessionTokenOf(keyId)
                        + "\",\"expiration\":" + expiration.toEpochMilli() + "}}");
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        send(exchange, status, "{\"message\":\"" + message + "\"}");
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public String toString() {
        return "FakeSso[" + endpoint() + "]";
    }
}
