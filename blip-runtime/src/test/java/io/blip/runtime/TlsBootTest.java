package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Algorithm;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import io.blip.testkit.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from blip.yaml as a user writes it: boot reports every bad file, and good files collect over TLS. */
class TlsBootTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        Map<String, String> env = Map.of("BLIP_PLUGINS", dir.resolve("no-plugins").toString());
        return new Cli(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    /** io.blip.api.tls.Pem's message for a file without a certificate. */
    private static String noCertificate(Path file) {
        return "no certificate in '" + file + "'; it must be PEM (-----BEGIN CERTIFICATE-----); a DER file converts"
                + " with openssl x509 -inform der -in " + file + " -out <new file>";
    }

    @Test
    void everyUnusableTlsFileIsABootErrorNamingItsKeyAndFile() throws Exception {
        Authority ca = TestCertificates.authority("Boot CA");
        Path der = Files.write(dir.resolve("ca.der"), ca.certificate().getEncoded());
        Issued client = ca.client("blip");
        Path cert = client.writeCertificate(dir.resolve("client.pem"));
        Path otherKey = ca.client("someone-else").writeKey(dir.resolve("other-key.pem"), KeyFormat.PKCS8);
        Path encrypted = client.writeEncryptedKey(dir.resolve("encrypted-key.pem"), "secret-pw");
        Path keyAsCa = client.writeKey(dir.resolve("key.pem"), KeyFormat.TRADITIONAL);
        Path cnf = Files.writeString(dir.resolve("my.cnf"), "[client]\nssl-ca=" + keyAsCa + "\nssl-mode=VERIFY_CA\n");
        Path cnfMissing = Files.writeString(dir.resolve("missing.cnf"), "[client]\nssl-ca=" + dir.resolve("gone.pem")
                + "\n");
        Path config = Files.writeString(dir.resolve("blip.yaml"), """
                monitors:
                  - id: not-pem
                    hostname: db1
                    tls:
                      ca: %s
                  - id: mismatch
                    hostname: db2
                    tls:
                      cert: %s
                      key: %s
                  - id: encrypted
                    hostname: db3
                    tls:
                      cert: %s
                      key: %s
                  - id: mycnf
                    hostname: db4
                    mycnf: %s
                  - id: mycnf-missing
                    hostname: db5
                    mycnf: %s
                """.formatted(der, cert, otherKey, cert, encrypted, cnf, cnfMissing));

        assertEquals(Cli.EXIT_ERROR, run("--config", config.toString(), "--run=false"));
        String e = err.toString(StandardCharsets.UTF_8);
        String origin = config + ": monitors";
        assertTrue(e.startsWith("blip: boot failed:\n"), e);
        assertTrue(e.contains(origin + "[0].tls.ca: " + noCertificate(der) + "\n"), e);
        assertTrue(e.contains(origin + "[1].tls.key: the key in '" + otherKey + "' is not the private key of the"
                + " certificate in '" + cert + "' (CN=blip, O=Blip tests); give the key that was made with that"
                + " certificate\n"), e);
        assertTrue(e.contains(origin + "[2].tls.key: the private key in '" + encrypted + "' is encrypted, and Blip"
                + " reads unencrypted keys only; decrypt it into a file only Blip can read: openssl pkey -in "
                + encrypted + " -out <new file>\n"), e);
        assertTrue(e.contains(origin + "[3].mysql.mycnf: " + cnf + ": ssl-ca: " + noCertificate(keyAsCa)
                + "\n"), e);
        assertTrue(e.contains(origin + "[4].mysql.mycnf: " + cnfMissing + ": ssl-ca: '" + dir.resolve("gone.pem")
                + "' does not exist"), e);
        assertTrue(!e.contains("secret-pw") && !e.contains("PRIVATE KEY-----\nMI"), e);
    }

    @Test
    void goodFilesBoot() throws Exception {
        Authority ca = TestCertificates.authority("Boot CA");
        Issued client = ca.leaf("blip").algorithm(Algorithm.EC).clientAuth().issue();
        Path config = Files.writeString(dir.resolve("blip.yaml"), """
                tls:
                  ca: %s
                  cert: %s
                  key: %s
                monitors:
                  - hostname: db1
                """.formatted(ca.writeCertificate(dir.resolve("ca.pem")), client.writeChain(dir.resolve("c.pem")),
                client.writeKey(dir.resolve("k.pem"), KeyFormat.TRADITIONAL)));
        // Valid; db1 is not a MySQL server here, so the one connect of --run=false fails.
        assertEquals(Server.EXIT_UNREACHABLE, run("--config", config.toString(), "--run=false"),
                err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A monitor-defaults {@code tls} section with a CA, a client certificate and a server name, for a
     * {@code REQUIRE X509} user with no password: the monitor boots and collects.
     */
    @Test
    void aMonitorCollectsOverVerifiedTlsWithAClientCertificate() throws Exception {
        Authority ca = TestCertificates.authority("Boot CA");
        Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        Issued server = ca.server("mysql.test", "DNS:mysql.test");
        Issued client = ca.leaf("blip").algorithm(Algorithm.EC).clientAuth().issue();
        PrintStream realOut = System.out;
        OutputWatcher captured = OutputWatcher.printed("the log sink's STDOUT");
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start("--ssl-ca=" + caFile,
                "--ssl-cert=" + server.writeChain(dir.resolve("server.pem")),
                "--ssl-key=" + server.writeKey(dir.resolve("server-key.pem"), KeyFormat.PKCS8))) {
            db.execute("CREATE USER 'blip_x509'@'%' REQUIRE X509", "GRANT PROCESS ON *.* TO 'blip_x509'@'%'");
            Files.writeString(dir.resolve("fast.yaml"), """
                    fast:
                      freq: 1s
                      collect:
                        status.global:
                          metrics: [threads_running]
                    """);
            Path config = Files.writeString(dir.resolve("blip.yaml"), """
                    api: {bind: "127.0.0.1:0"}
                    mysql:
                      username: blip_x509
                    tls:
                      ca: ca.pem
                      cert: client.pem
                      key: client-key.pem
                      server-name: mysql.test
                    plans:
                      files: [fast.yaml]
                    monitors:
                      - id: tls
                        hostname: %s
                    """.formatted(db.hostPort()));
            client.writeChain(dir.resolve("client.pem"));
            client.writeKey(dir.resolve("client-key.pem"), KeyFormat.TRADITIONAL);
            System.setOut(captured.printStream());
            CliOptions options = new CliOptions(config, dir.resolve("no-plugins"), false, false, false, false,
                    false, false, false, true);
            VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
            Server blip = Server.boot(options, Map.of(), System.out, time);
            try {
                blip.run();
                blip.monitors().getFirst().running().toCompletableFuture().get(30, TimeUnit.SECONDS);
                time.advance(Duration.ofSeconds(1)); // the first tick
                captured.await("a collection", o -> o.contains("# monitor:  tls"), Duration.ofSeconds(30));
            } finally {
                blip.close();
            }
        } finally {
            System.setOut(realOut);
        }
        String printed = captured.text();
        assertTrue(printed.contains("# monitor:  tls") && printed.contains("status.global.threads_running = "),
                printed);
    }
}
