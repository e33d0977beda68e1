package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.ForwardProxy;
import io.blip.testkit.aws.FakeSecretsManager;
import io.blip.testkit.otlp.OtlpReceiver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http.proxy} as a user runs it: the built {@code bin/blip}, its MySQL password in Secrets
 * Manager and an {@code otlp} sink, both at names only the proxy knows ({@code secrets.test},
 * {@code otlp.test}); the proxy (on loopback) forwards them to fakes on
 * loopback. The AWS SDK's and the OTLP exporter's requests go through it; MySQL (not HTTP) and
 * loopback do not; a NO_PROXY host is reached directly.
 */
class HttpProxyEndToEndTest {
    private static final String USER = "blip_proxy";
    private static final String PASSWORD = "proxied-db-pw";
    private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:blip-proxy-AbCdEf";

    @TempDir
    Path work;

    @Test
    void secretsManagerAndOtlpGoThroughTheProxyAndNoProxyHostsDoNot() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(USER, PASSWORD, "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        try (FakeSecretsManager secrets = FakeSecretsManager.start();
             OtlpReceiver otlp = OtlpReceiver.http();
             OtlpReceiver direct = OtlpReceiver.http();
             ForwardProxy proxy = ForwardProxy.start()) {
            secrets.put(ARN, "{\"password\": \"" + PASSWORD + "\"}");
            proxy.route("secrets.test", new InetSocketAddress("127.0.0.1", secrets.endpoint().getPort()))
                    .route("otlp.test", new InetSocketAddress("127.0.0.1", otlp.port()));
            Path plan = work.resolve("plan.yaml");
            Files.writeString(plan, """
                    every-second:
                      freq: 1s
                      collect:
                        status.global:
                          metrics: [queries]
                    """);
            Path config = work.resolve("blip.yaml");
            Files.writeString(config, """
                    api: {bind: "127.0.0.1:0"}
                    http:
                      proxy: http://%s
                    plans:
                      files: [%s]
                    sinks:
                      otlp:
                        endpoint: http://otlp.test:%d/v1/metrics
                    monitors:
                      - id: proxied
                        hostname: %s
                        username: %s
                        aws:
                          password-secret: %s
                          region: us-east-1
                          disable-auto-tls: true
                      - id: direct
                        hostname: %s
                        username: %s
                        password: %s
                        sinks:
                          otlp:
                            endpoint: http://direct.test:%d/v1/metrics
                    """.formatted(proxy.url().substring("http://".length()), plan, otlp.port(), db.hostPort(), USER,
                    ARN, db.hostPort(), USER, PASSWORD, direct.port()));
            ProcessBuilder pb = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config",
                    config.toString(), "--log").directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("out.txt").toFile());
            Map<String, String> env = pb.environment();
            env.put("JAVA_HOME", System.getProperty("java.home"));
            env.remove("JAVA_OPTS");
            env.keySet().removeIf(k -> k.equalsIgnoreCase("no_proxy") || k.equalsIgnoreCase("http_proxy")
                    || k.equalsIgnoreCase("https_proxy"));
            Dist.awsTestEnv(env, work, "AKIDBLIPPROXY", "blip-proxy-secret-key");
            env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://secrets.test:" + secrets.endpoint().getPort());
            // direct.test is reached directly because NO_PROXY names it; no DNS knows it, so the JVM's
            // hosts file does.
            env.put("NO_PROXY", "direct.test,.example.internal");
            env.put("JAVA_OPTS", "-Djdk.net.hosts.file=" + hostsFile());
            Process blip = pb.start();
            try {
                try {
                    otlp.await(2, Duration.ofSeconds(60));
                    direct.await(2, Duration.ofSeconds(30));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; the proxy was asked for " + proxy.asked()
                            + "; bin/blip:\n" + out(), e);
                }
                assertEquals(1, secrets.callCount(), out());
                assertTrue(proxy.asked().contains("secrets.test:" + secrets.endpoint().getPort()), proxy.asked()
                        + "\n" + out());
                assertTrue(proxy.asked().contains("otlp.test:" + otlp.port()), proxy.asked() + "\n" + out());
                assertFalse(proxy.asked().stream().anyMatch(h -> h.startsWith("direct.test")), proxy.asked().toString());
                assertFalse(proxy.asked().stream().anyMatch(h -> h.startsWith("127.0.0.1")), proxy.asked().toString());
                assertTrue(out().contains("http.proxy: HTTP clients go through 127.0.0.1:"), out());
            } finally {
                blip.destroy();
                if (!blip.waitFor(15, TimeUnit.SECONDS)) {
                    blip.destroyForcibly();
                }
            }
        }
    }

    /** A hosts file for the JVM of bin/blip: direct.test is 127.0.0.1 (the other names only the proxy knows). */
    private Path hostsFile() throws IOException {
        return Files.writeString(work.resolve("hosts"), "127.0.0.1 direct.test\n", StandardCharsets.US_ASCII);
    }

    private String out() throws IOException {
        Path file = work.resolve("out.txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
