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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS STS on loopback: a real HTTP server speaking the AWS Query protocol for {@code AssumeRole}
 * as the AWS SDK asks for it (a form-encoded {@code POST /},
 * {@code Action=AssumeRole&Version=2011-06-15&RoleArn=...&RoleSessionName=...&ExternalId=...}),
 * answered with an {@code AssumeRoleResponse}: fresh temporary credentials (access key id,
 * secret key, session token, expiration) and the assumed-role user. It also answers
 * {@code AssumeRoleWithWebIdentity} (EKS's IRSA: unsigned, with {@code WebIdentityToken} instead of
 * a signature) in the same way. Point the SDK at it with {@code AWS_ENDPOINT_URL_STS} or the system
 * property {@code aws.endpointUrlSts}.
 *
 * <p>Every call is recorded with its role ARN, session name, external id and the access key id and
 * region of its SigV4 {@code Authorization} header (the signature itself is not checked), and with
 * the access key id it was given, so a test can follow the assumed credentials to the next service.
 * {@link #failNext} and {@link #failAlways} make calls answer with a {@link Fault} instead.
 */
public final class FakeSts implements AutoCloseable {
    /** The account of every role and assumed-role user. */
    public static final String ACCOUNT = "123456789012";

    private static final String XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final String ASSUME_ROLE = "AssumeRole";
    private static final String WEB_IDENTITY = "AssumeRoleWithWebIdentity";
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/[^/]+/([^/]+)/([^/]+)/");

    /** What a call answers instead of credentials. */
    public enum Fault {
        /** HTTP 403 {@code AccessDenied}: the caller may not assume the role (policy or trust policy). */
        ACCESS_DENIED,
        /** HTTP 400 {@code Throttling}, which the SDK retries. */
        THROTTLE,
        /** HTTP 500 {@code InternalFailure}. */
        SERVER_ERROR,
        /** Reads the request and never answers (until {@link #close}). */
        STALL
    }

    /**
     * One call as the server saw it.
     *
     * @param action          the {@code Action} parameter
     * @param roleArn         {@code RoleArn}
     * @param roleSessionName {@code RoleSessionName}
     * @param externalId      {@code ExternalId}; null when not sent
     * @param callerKeyId     the access key id that signed the call; null when unsigned
     * @param region          the region of the signature's credential scope; null when unsigned
     * @param issuedKeyId     the access key id handed out; null when the call failed
     */
    public record Call(String action, String roleArn, String roleSessionName, String externalId, String callerKeyId,
                       String region, String issuedKeyId) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final FaultPlan<Fault> faults = new FaultPlan<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<String> webIdentityTokens = new ArrayList<>();
    private Duration lifetime = Duration.ofHours(1);
    private int issued;

    private FakeSts(HttpServer server) {
        this.server = server;
    }

    /** Starts on an ephemeral loopback port. */
    public static FakeSts start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeSts fake = new FakeSts(server);
            server.createContext("/", fake::handle);
            server.setExecutor(fake.executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake STS", e);
        }
    }

    /** The endpoint URL, e.g. {@code http://127.0.0.1:41234}: the value for {@code aws.endpointUrlSts}. */
    public URI endpoint() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    /**
     * How long the credentials handed out from now on are valid (default one hour, as STS). The AWS
     * SDK reads the expiration with the system clock, so this one uses it too.
     */
    public synchronized FakeSts credentialLifetime(Duration newLifetime) {
        lifetime = newLifetime;
        return this;
    }

    /** The next {@code times} calls answer with the fault, then calls are served again. */
    public void failNext(Fault fault, int times) {
        faults.failNext(fault, times);
    }

    /** Every call answers with the fault until {@link #heal}. */
    public void failAlways(Fault fault) {
        faults.failAlways(fault);
    }

    /** Serves calls again: forgets sticky and queued faults. */
    public void heal() {
        faults.heal();
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

    /** The {@code WebIdentityToken} of each {@code AssumeRoleWithWebIdentity} call, in order. */
    public synchronized List<String> webIdentityTokens() {
        return List.copyOf(webIdentityTokens);
    }

    /** The secret access key handed out with an access key id (derived from it, so tests can predict it). */
    public static String secretKeyOf(String accessKeyId) {
        return TestSecrets.secret("FakeSts.secret-key." + accessKeyId, "fake-sts-secret-" + accessKeyId);
    }

    /** Stops the server and releases stalled calls. */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> params = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String auth = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).orElse("");
            Matcher m = CREDENTIAL.matcher(auth);
            boolean signed = m.find();
            String action = params.get("Action");
            boolean web = WEB_IDENTITY.equals(action);
            boolean valid = "POST".equals(exchange.getRequestMethod()) && (ASSUME_ROLE.equals(action) || web)
                    && "2011-06-15".equals(params.get("Version"));
            // AssumeRoleWithWebIdentity is not signed: the token stands in for the caller's credentials.
            boolean authenticated = web ? params.containsKey("WebIdentityToken") : signed;
            Fault fault;
            String keyId = null;
            Instant expiration;
            synchronized (this) {
                fault = faults.take();
                if (valid && authenticated && fault == null && params.containsKey("RoleArn")
                        && params.containsKey("RoleSessionName")) {
                    keyId = String.format("ASIAFAKESTS%08d", ++issued);
                }
                expiration = Instant.now().plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
                calls.add(new Call(action, params.get("RoleArn"), params.get("RoleSessionName"), params.get("ExternalId"),
                        signed ? m.group(1) : null, signed ? m.group(2) : null, keyId));
                if (web && params.containsKey("WebIdentityToken")) {
                    webIdentityTokens.add(params.get("WebIdentityToken"));
                }
            }
            if (!valid) {
                error(exchange, 400, "InvalidAction", "Could not find operation " + action + " for version "
                        + params.get("Version"));
            } else if (!authenticated) {
                error(exchange, web ? 400 : 403, web ? "InvalidIdentityToken" : "MissingAuthenticationToken",
                        web ? "WebIdentityToken is required" : "Request is missing Authentication Token");
            } else if (fault != null) {
                fail(exchange, fault, params, signed ? m.group(1) : "web-identity");
            } else if (keyId == null) {
                error(exchange, 400, "ValidationError", "RoleArn and RoleSessionName are required");
            } else {
                answer(exchange, action, params, keyId, expiration);
            }
        }
    }

    private void fail(HttpExchange exchange, Fault fault, Map<String, String> params, String caller) throws IOException {
        switch (fault) {
            case ACCESS_DENIED -> error(exchange, 403, "AccessDenied", "User: arn:aws:iam::" + ACCOUNT + ":user/"
                    + caller + " is not authorized to perform: sts:AssumeRole on resource: " + params.get("RoleArn"));
            case THROTTLE -> error(exchange, 400, "Throttling", "Rate exceeded");
            case SERVER_ERROR -> error(exchange, 500, "InternalFailure", "An internal error has occurred");
            case STALL -> {
                try {
                    closing.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void answer(HttpExchange exchange, String action, Map<String, String> params, String keyId,
            Instant expiration) throws IOException {
        String roleArn = params.get("RoleArn");
        String session = params.get("RoleSessionName");
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        String xml = "<" + action + "Response xmlns=\"" + XMLNS + "\">\n"
                + "  <" + action + "Result>\n"
                + "    <AssumedRoleUser>\n"
                + "      <Arn>" + escape("arn:aws:sts::" + ACCOUNT + ":assumed-role/" + roleName + "/" + session)
                + "</Arn>\n"
                + "      <AssumedRoleId>" + escape("AROAFAKESTS0000000000:" + session) + "</AssumedRoleId>\n"
                + "    </AssumedRoleUser>\n"
                + "    <Credentials>\n"
                + "      <AccessKeyId>" + keyId + "</AccessKeyId>\n"
                + "      <SecretAccessKey>" + escape(secretKeyOf(keyId)) + "</SecretAccessKey>\n"
                + "      <SessionToken>" + escape(TestSecrets.secret("FakeSts.session-token." + keyId, "fake-sts-session-token-" + keyId)) + "</SessionToken>\n"
                + "      <Expiration>" + expiration + "</Expiration>\n"
                + "    </Credentials>\n"
                + "  </" + action + "Result>\n"
                + "  <ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>\n"
                + "</" + action + "Response>\n";
        send(exchange, 200, xml);
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
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
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

    @Override
    public String toString() {
        return "FakeSts[" + endpoint() + "]";
    }
}
