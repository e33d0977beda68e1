package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path out = work.resolve("stdout.txt");
        Path err = work.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config", config.toString())
                .directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-Djdk.net.hosts.file=" + hosts);
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        Process blip = pb.start();
        try {
            String refused = "monitor auto-tls: not ready: ";
            awaitUntil(blip, out, err, o -> o.contains("# monitor:  own-ca") && o.contains("# monitor:  no-auto-tls"),
                    e -> e.contains(refused));
            String stderr = read(err);
            String line = stderr.lines().filter(l -> l.contains(refused)).findFirst().orElseThrow();
            assertTrue(line.contains("is not signed by a trusted CA") && line.contains("Amazon RDS CA bundle"), line);
            assertFalse(read(out).contains("# monitor:  auto-tls"), "auto-TLS must refuse a server the RDS CAs did not sign");
            assertFalse(stderr.contains("tls-pw") || read(out).contains("tls-pw"), "the password leaked");
        } finally {
            blip.destroy();
            blip.waitFor(10, TimeUnit.SECONDS);
            blip.destroyForcibly();
        }
    }

    /** Waits (at most 60 s) until stdout and stderr both show what the predicates want. */
    private static void awaitUntil(Process blip, Path out, Path err, Predicate<String> stdout, Predicate<String> stderr)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && blip.isAlive()) {
            if (stdout.test(read(out)) && stderr.test(read(err))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not seen within 60 s\nstdout:\n" + read(out) + "\nstderr:\n" + read(err));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
