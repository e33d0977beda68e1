package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Reliability;
import io.blip.testkit.SecretScan;
import io.blip.testkit.Signal;
import io.blip.testkit.TestSecrets;
import io.blip.testkit.aws.FakeSecretsManager;
import io.blip.testkit.otlp.OtlpReceiver;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R26: bin/blip at TRACE for every logger, with a MySQL password, an API token and an OTLP header secret,
 * collecting and sending to a real OTLP receiver; every API endpoint asked (and the controls used) with the
 * token, the wrong token and none; SIGTERM. Every byte it wrote and every answer it gave is scanned for each
 * secret: 0 hits. The API is on loopback unless told otherwise and refuses a wrong token with 401. The same at
 * TRACE with the password in Secrets Manager and AWS credentials with a session token, the AWS SDK's and the JDK
 * HTTP client's loggers asked for at TRACE too (Blip keeps them at INFO: below, they print the session token). And the reliability suite's
 * TRACE capture in every module (blip-testkit's {@link io.blip.testkit.TraceCapture}, which fails a class on a
 * hit) is scanned once more for every test secret, for the row's figure.
 */
class R26SecretsNeverLeakTest {
    private static final String USER = "blip_r26";
    private static final String PASSWORD = TestSecrets.secret("R26SecretsNeverLeakTest.PASSWORD", "r26MysqlPw7Qz4");
    private static final String TOKEN = TestSecrets.secret("R26SecretsNeverLeakTest.TOKEN", "r26ApiToken5Kx8");
    private static final String OTLP_SECRET = TestSecrets.secret("R26SecretsNeverLeakTest.OTLP_SECRET", "r26OtlpHeader3Vw9");
    private static final List<String> SECRETS = List.of(PASSWORD, TOKEN, OTLP_SECRET);

    @TempDir
    Path work;

    private static int freePort() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aTraceRunShowsNoSecretAnywhere() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(USER, PASSWORD, "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        int port = freePort();
        Path tokenFile = Files.writeString(work.resolve("api-token"), TOKEN + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> answers = new LinkedHashMap<>();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        String remote;
        List<String> gets = List.of("/status", "/status/monitors", "/status/monitor/internal?id=one", "/monitors",
                "/registered", "/config", "/config?json", "/debug", "/debug", "/version", "/health", "/ready",
                "/metrics", "/probe?target=one", "/nothing-here");
        List<String> posts = List.of("/monitors/stop?id=one", "/monitors/start?id=one", "/monitors/reload");
        try (OtlpReceiver otlp = OtlpReceiver.http()) {
            Path config = work.resolve("blip.yaml");
            Files.writeString(config, """
                    logging:
                      level: trace
                    api:
                      bind: 127.0.0.1:%d
                      auth-token-file: %s
                    mysql:
                      username: %s
                      password: %s
                    sinks:
                      otlp:
                        endpoint: "%s"
                        headers: "authorization=Bearer%%20%s"
                    monitors:
                      - id: one
                        hostname: %s
                    """.formatted(port, tokenFile, USER, PASSWORD, otlp.endpoint(), OTLP_SECRET, db.hostPort()));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            Process blip = Dist.blip(work, "--config", config.toString(), "--log").start();
            Signal said = new Signal();
            OutputWatcher out = OutputWatcher.of("stdout", blip.getInputStream(), said);
            OutputWatcher err = OutputWatcher.of("stderr", blip.getErrorStream(), said);
            try {
                List<OtlpReceiver.Received> sent = otlp.take(Duration.ofSeconds(60)); // a collection, with its header
                assertFalse(sent.isEmpty(), "nothing reached the OTLP receiver:\n" + out.text() + err.text());
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + port;
                for (String auth : new String[] {"Bearer " + TOKEN, "Bearer wrong-" + TOKEN.substring(3), null}) {
                    for (String path : gets) {
                        ask(http, base, "GET", path, auth, answers, statuses);
                    }
                    for (String path : posts) {
                        ask(http, base, "POST", path, auth, answers, statuses);
                    }
                }
                remote = remoteAddressRefused(port);
                Dist.signal(blip, "TERM");
                assertTrue(blip.waitFor(20, TimeUnit.SECONDS), "stopped within 20 s of SIGTERM");
                said.await(() -> out.ended() && err.ended(), Duration.ofSeconds(10), () -> out.text() + err.text());
                assertTrue(sent.stream().anyMatch(r -> r.headers().values().contains("Bearer " + OTLP_SECRET)),
                        "the OTLP header was sent: " + sent.stream().map(OtlpReceiver.Received::headers).toList());
            } finally {
                blip.destroyForcibly();
            }
            String output = out.text() + err.text();
            // Every logger at trace: the libraries' DEBUG lines show (the JDK's TLS, the OTLP exporter), and any TRACE.
            assertTrue(output.contains(" DEBUG HttpExporterBuilder:"), "the run logged at trace:\n" + tail(output));
            long traceLines = output.lines().filter(l -> l.contains(" TRACE ")).count();
            assertTrue(output.contains("connected"), tail(output));

            Map<String, Integer> hits = new LinkedHashMap<>();
            for (String secret : SECRETS) {
                int n = count(output, secret);
                for (String answer : answers.values()) {
                    n += count(answer, secret);
                }
                hits.put(secret, n);
            }
            List<String> where = new ArrayList<>();
            hits.forEach((s, n) -> {
                if (n > 0) {
                    where.add(s + " x" + n);
                }
            });
            assertEquals(List.of(), where, "secrets seen; output:\n" + tail(output) + "\nanswers: " + answers);

            String good = "Bearer " + TOKEN;
            assertEquals(200, statuses.get("GET /status " + good));
            assertEquals(401, statuses.get("GET /status wrong"));
            assertEquals(401, statuses.get("GET /debug wrong"));
            assertEquals(401, statuses.get("GET /debug none"));
            assertEquals(401, statuses.get("POST /monitors/stop?id=one none"));
            assertTrue(answers.get("GET /config " + good).contains("password: '...'"), answers.get("GET /config " + good));
            Suite suite = suiteScan();
            assertEquals(List.of(), suite.result().hits(), suite.result()::findings);
            long lines = output.lines().count();
            Reliability.figure("R26", R26SecretsNeverLeakTest.class, "bin/blip at logging.level trace (" + lines
                    + " lines, " + traceLines + " of them TRACE, " + output.length() + " bytes of STDOUT and STDERR), " + statuses.size()
                    + " API requests (" + gets.size() + " GETs and " + posts.size() + " POSTs, each with the token,"
                    + " a wrong token and none; answers " + answers.values().stream().mapToInt(String::length).sum()
                    + " bytes), OTLP sends with the header secret, SIGTERM: 0 hits for the MySQL password, the API"
                    + " token and the OTLP header. The reliability suite's TRACE capture (each R<n> test class with every"
                    + " logger at TRACE: its log records at every level with thread names and stack traces, the"
                    + " output of every bin/blip and child process, the exceptions thrown; blip-testkit's"
                    + " TraceCapture) in " + suite.modules() + " modules: " + suite.result().files() + " files, "
                    + suite.result().lines() + " lines, " + suite.result().bytes() + " bytes scanned for "
                    + suite.result().secrets() + " test secrets: " + suite.result().hits().size() + " hits (a hit fails"
                    + " the class it is in); a wrong token and no token get 401 on every endpoint but /health"
                    + " and /ready, so with a token /debug cannot be flipped without it; the API is bound to"
                    + " 127.0.0.1 by default (" + remote + "), and bound to another address without a token, /debug"
                    + " answers 403 to any caller not on this host (ApiSecurityTest).");
        }
    }

    /**
     * bin/blip at {@code logging.level: trace} with its MySQL password in Secrets Manager (a fake on loopback) and
     * static AWS credentials with a session token, and {@code logging.levels} asking for the AWS SDK, the JDK's
     * HTTP client and the MySQL driver at trace: Blip keeps the first two at INFO (at DEBUG the SDK's signer prints
     * its canonical request, X-Amz-Security-Token included; at FINE HttpURLConnection every header), and neither
     * the secret access key, the session token nor the secret's password shows.
     */
    @Test
    void aTraceRunWithAwsCredentialsShowsNoAwsSecret() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        String user = "blip_r26_aws";
        String password = TestSecrets.secret("R26SecretsNeverLeakTest.SECRET_VALUE_PASSWORD", "r26SmValue6Tq1");
        String secretKey = TestSecrets.secret("R26SecretsNeverLeakTest.AWS_SECRET_ACCESS_KEY", "r26AwsSecretKey4Nb7");
        String sessionToken = TestSecrets.secret("R26SecretsNeverLeakTest.AWS_SESSION_TOKEN", "r26AwsSession2Hc5");
        String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:blip-r26-AbCdEf";
        db.createUser(user, password, "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        try (FakeSecretsManager secrets = FakeSecretsManager.start()) {
            secrets.put(arn, "{\"username\": \"%s\", \"password\": \"%s\"}".formatted(user, password));
            Path config = Files.writeString(work.resolve("aws.yaml"), """
                    logging:
                      level: trace
                      levels: {software.amazon.awssdk: trace, sun.net.www.protocol.http: trace, com.mysql: trace}
                    api: {bind: "127.0.0.1:0"}
                    monitors:
                      - id: aws-one
                        hostname: %s
                        username: %s
                        aws:
                          password-secret: %s
                          region: us-east-1
                          disable-auto-tls: true
                    """.formatted(db.hostPort(), user, arn));
            ProcessBuilder pb = Dist.blip(work, "--config", config.toString(), "--log");
            Dist.awsTestEnv(pb.environment(), work, "AKIDR26TRACE", secretKey);
            pb.environment().put("AWS_SESSION_TOKEN", sessionToken);
            pb.environment().put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString());
            Process blip = pb.start();
            Signal said = new Signal();
            OutputWatcher out = OutputWatcher.of("aws-stdout", blip.getInputStream(), said);
            OutputWatcher err = OutputWatcher.of("aws-stderr", blip.getErrorStream(), said);
            try {
                out.await("two collections", o -> o.split("# ts:", -1).length > 2, Duration.ofSeconds(60));
                Dist.signal(blip, "TERM");
                assertTrue(blip.waitFor(20, TimeUnit.SECONDS), "stopped within 20 s of SIGTERM");
                said.await(() -> out.ended() && err.ended(), Duration.ofSeconds(10), () -> out.text() + err.text());
            } finally {
                blip.destroyForcibly();
            }
            String output = out.text() + err.text();
            assertEquals("AKIDR26TRACE", secrets.lastAccessKeyId().orElseThrow(), "the SDK signed with the test's key");
            assertTrue(output.contains(" DEBUG "), "the run logged at trace:\n" + tail(output));
            assertTrue(output.contains("logging.levels.software.amazon.awssdk: trace would log credentials (request"
                    + " signing, HTTP headers); kept at info"), "the floor is said:\n" + tail(output));
            for (String secret : List.of(password, secretKey, sessionToken)) {
                assertEquals(0, count(output, secret), "an AWS secret in the output:\n" + tail(output));
            }
        }
    }

    /** What the modules' reliability tests wrote (target/reliability/ of each), with their secrets. */
    private record Suite(int modules, SecretScan.Result result) {
    }

    /**
     * Every module's {@code target/reliability/} in this tree, scanned for every test secret any module
     * registered: the distribution's tests run after the other modules', whose captures are there.
     */
    private static Suite suiteScan() throws IOException {
        Path tree = Path.of("").toAbsolutePath().getParent();
        List<Path> dirs;
        try (Stream<Path> modules = Files.list(tree)) {
            dirs = modules.map(m -> m.resolve("target/reliability")).filter(Files::isDirectory).sorted().toList();
        }
        Map<String, String> secrets = new TreeMap<>(TestSecrets.known(Reliability.dir()));
        dirs.forEach(d -> secrets.putAll(TestSecrets.read(d)));
        return new Suite(dirs.size(), SecretScan.scan(dirs, secrets));
    }

    private static int count(String text, String secret) {
        int n = 0;
        for (int i = text.indexOf(secret); i >= 0; i = text.indexOf(secret, i + 1)) {
            n++;
        }
        return n;
    }

    private static void ask(HttpClient http, String base, String method, String path, String auth,
                            Map<String, String> answers, Map<String, Integer> statuses) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        String key = method + " " + path + " " + (auth == null ? "none" : auth.contains("wrong") ? "wrong" : auth);
        statuses.put(key, r.statusCode());
        answers.put(key, r.headers().map() + " " + r.body());
    }

    /**
     * Whether the API answers on this host's other addresses: with the default bind it must not. The test's
     * instance binds 127.0.0.1 explicitly (a free port, not 7522, which other runs may hold); the default
     * itself is asked of --print-config.
     */
    private String remoteAddressRefused(int port) throws Exception {
        Path bare = Files.writeString(work.resolve("default.yaml"), "monitors:\n  - id: one\n    hostname: db1\n");
        Dist.Result printed = Dist.run(List.of(Dist.HOME.resolve("bin/blip").toString(), "--config", bare.toString(),
                "--print-config"), work, Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertEquals(0, printed.exit(), printed.toString());
        assertTrue(printed.stdout().contains("bind: 127.0.0.1:7522"), printed.toString());
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            for (InetAddress a : nic.inetAddresses().toList()) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    try (Socket s = new Socket(a, port)) {
                        throw new AssertionError("the API answered on " + a);
                    } catch (ConnectException refused) {
                        return "--print-config shows bind: 127.0.0.1:7522; " + a.getHostAddress() + ":" + port
                                + " refused the connection";
                    }
                }
            }
        }
        return "--print-config shows bind: 127.0.0.1:7522";
    }

    private static String tail(String s) {
        return s.length() > 6000 ? "…" + s.substring(s.length() - 6000) : s;
    }
}
