package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Signal;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic TLS with the Amazon RDS CA, through {@code bin/blip} and {@code plugins/tls-rds/}: an
 * {@code *.rds.amazonaws.com} name resolves to 127.0.0.1 inside Blip's JVM ({@code
 * -Djdk.net.hosts.file}), where a MariaDB serves a certificate from a test CA for that name. With no
 * {@code tls.*}, auto-TLS verifies against the RDS CAs and refuses the server; with {@code tls.ca}
 * naming the test CA it connects, verified; with {@code aws.disable-auto-tls} it connects without
 * the RDS CA (PREFERRED: encrypted when the server offers TLS, unverified).
 */
class RdsAutoTlsEndToEndTest {
    private static final String RDS_HOST = "blip-e2e.abc123xyz.us-east-1.rds.amazonaws.com";

    private static EmbeddedMariaDb db;
    private static Path caFile;

    @TempDir
    static Path certs;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() {
        Authority ca = TestCertificates.authority("Blip Test CA");
        caFile = ca.writeCertificate(certs.resolve("ca.pem"));
        Issued server = ca.server(RDS_HOST, "DNS:" + RDS_HOST);
        Path cert = server.writeChain(certs.resolve("server.pem"));
        Path key = server.writeKey(certs.resolve("server-key.pem"), KeyFormat.TRADITIONAL);
        db = EmbeddedMariaDb.start("--ssl-ca=" + caFile, "--ssl-cert=" + cert, "--ssl-key=" + key);
        db.createUser("blip_tls", "tls-pw", "SELECT, PROCESS ON *.*");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @Test
    void rdsHostsGetTheRdsCaUnlessTlsIsConfiguredOrAutoTlsIsOff() throws Exception {
        Path hosts = Files.writeString(work.resolve("hosts"), "127.0.0.1 " + RDS_HOST + "\n");
        Path plan = Files.writeString(work.resolve("plan.yaml"), """
                every-second:
                  freq: 1s
                  collect:
                    status.global:
                      metrics: [queries]
                """);
        String hostname = RDS_HOST + ":" + db.port();
        Path config = Files.writeString(work.resolve("blip.yaml"), """
                api: {bind: "127.0.0.1:0"}
                mysql:
                  username: blip_tls
                  password: tls-pw
                plans:
                  files: [%1$s]
                monitors:
                  - id: auto-tls
                    hostname: %2$s
                  - id: own-ca
                    hostname: %2$s
                    tls:
                      ca: %3$s
                  - id: no-auto-tls
                    hostname: %2$s
                    aws:
                      disable-auto-tls: true
                """.formatted(plan, hostname, caFile));
        ProcessBuilder pb = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config", config.toString())
                .directory(work.toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-Djdk.net.hosts.file=" + hosts);
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        Process blip = pb.start();
        Signal said = new Signal();
        OutputWatcher out = OutputWatcher.of("stdout", blip.getInputStream(), said);
        OutputWatcher err = OutputWatcher.of("stderr", blip.getErrorStream(), said);
        try {
            String refused = "monitor auto-tls: not ready: ";
            awaitUntil(out, err, o -> o.contains("# monitor:  own-ca") && o.contains("# monitor:  no-auto-tls"),
                    e -> e.contains(refused), said);
            String stderr = err.text();
            String line = stderr.lines().filter(l -> l.contains(refused)).findFirst().orElseThrow();
            assertTrue(line.contains("is not signed by a trusted CA") && line.contains("Amazon RDS CA bundle"), line);
            assertFalse(out.text().contains("# monitor:  auto-tls"), "auto-TLS must refuse a server the RDS CAs did not sign");
            assertFalse(stderr.contains("tls-pw") || out.text().contains("tls-pw"), "the password leaked");
        } finally {
            blip.destroy();
            blip.waitFor(10, TimeUnit.SECONDS);
            blip.destroyForcibly();
        }
    }

    /** Waits (at most 60 s) until stdout and stderr both show what the predicates want; fails if Blip exits first. */
    private static void awaitUntil(OutputWatcher out, OutputWatcher err, Predicate<String> stdout,
                                   Predicate<String> stderr, Signal said) throws InterruptedException {
        said.await(() -> (stdout.test(out.text()) && stderr.test(err.text())) || (out.ended() && err.ended()),
                Duration.ofSeconds(60), () -> "stdout and stderr to say it\nstdout:\n" + out.text() + "\nstderr:\n"
                        + err.text());
        if (!stdout.test(out.text()) || !stderr.test(err.text())) {
            throw new AssertionError("bin/blip exited first\nstdout:\n" + out.text() + "\nstderr:\n" + err.text());
        }
    }
}
