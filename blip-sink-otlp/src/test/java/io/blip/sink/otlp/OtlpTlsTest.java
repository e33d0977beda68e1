package io.blip.sink.otlp;

import io.blip.api.BlipException;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.sink.SinkContext;
import io.blip.api.time.Time;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Algorithm;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import io.blip.testkit.otlp.OtlpReceiver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.blip.sink.otlp.Lanes.WAIT;
import static io.blip.sink.otlp.TestData.PATH;
import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The sink's TLS options against a real TLS receiver on loopback (the JDK's HTTPS server for
 * http/protobuf, grpc-java's Netty server for gRPC), with certificates made for each run: the CA and
 * host name are verified, mutual TLS works with the key forms people have, and a TLS file that cannot
 * work stops boot with a message that names the option, the file and the fix.
 */
class OtlpTlsTest {
    private static Authority ca;
    private static Authority otherCa;
    /** For the receiver's address: {@code IP:127.0.0.1}, and {@code DNS:localhost}. */
    private static Issued server;

    @TempDir
    static Path dir;
    private static Path caFile;
    private static Path otherCaFile;

    @BeforeAll
    static void makeCertificates() {
        ca = TestCertificates.authority("OTLP Test CA");
        otherCa = TestCertificates.authority("Some Other CA");
        server = ca.leaf("collector").ip("127.0.0.1").dns("localhost").serverAuth().issue();
        caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        otherCaFile = otherCa.writeCertificate(dir.resolve("other-ca.pem"));
    }

    /**
     * The options of a sink with fast retries, as read from a config file in {@link #dir} in an
     * environment with these variables.
     */
    private static Options options(Map<String, String> env, String protocol, String endpoint, String... more) {
        var values = pairs("protocol", protocol, "endpoint", endpoint, "batch-delay", "10ms", "retry-initial", "20ms",
                "retry-max", "100ms");
        values.putAll(pairs(more));
        return TestData.DECLARED.read(OptionSet.Input.of(PATH, values).withEnv(env).withBaseDir(dir));
    }

    private static SinkQueue.Lane<?> lane(Lanes lanes, Map<String, String> env, String protocol, String endpoint,
                                          String... options) throws Exception {
        return lanes.lane(TestData.monitor("db1", "db1.db", 3306, Map.of()), options(env, protocol, endpoint, options));
    }

    private static SinkQueue.Lane<?> lane(Lanes lanes, String protocol, String endpoint, String... options)
            throws Exception {
        return lane(lanes, Map.of(), protocol, endpoint, options);
    }

    /** Why the options, or the sink made of them, stop boot. */
    private static String bootError(Map<String, String> env, String... options) {
        return assertThrows(BlipException.class, () -> new OtlpSinkFactory().make(SinkContext.of("otlp",
                options(env, "http/protobuf", "https://collector.test:4318", options), Map.of(), Time.system())).close())
                .getMessage();
    }

    private static String bootError(String... options) {
        return bootError(Map.of(), options);
    }

    private static Metrics collection() {
        return at("db1", 1, 0, "status.global", List.of(MetricValue.gauge("threads_running", 3)));
    }

    /** Sends one collection; waits until it arrived and the lane counts it sent. */
    private static void delivers(OtlpReceiver r, SinkQueue.Lane<?> lane) throws Exception {
        lane.offer(collection());
        r.await(1, WAIT);
        lane.close(WAIT);
        assertTrue(lane.status().startsWith("ok; sent 1,"), lane.status());
    }

    /**
     * Sends one collection that cannot arrive; waits until it was retried twice. Nothing reaches the
     * receiver, nothing is rejected (a TLS failure may pass: a renewed certificate), and the status
     * says why; the status is returned.
     */
    private static String refused(OtlpReceiver r, Lanes lanes, SinkQueue.Lane<?> lane) throws Exception {
        lane.offer(collection());
        lanes.awaitSends(lane, 3);
        MonitorHealth.Sink counts = lane.counts();
        assertTrue(counts.retries() >= 2, lane.status());
        assertEquals(0, counts.sent());
        assertEquals(0, counts.rejected(), "a TLS failure is retried, not dropped");
        assertEquals(List.of(), r.received());
        String status = lane.status();
        assertTrue(status.startsWith("last send failed: "), status);
        return status;
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void deliversWhenTheCaIsTrustedAndTheCertificateNamesTheHost(String protocol) throws Exception {
        try (var r = OtlpReceiver.tls(protocol, server, null); var lanes = new Lanes()) {
            assertTrue(r.endpoint().startsWith("https://127.0.0.1:"), r.endpoint());
            delivers(r, lane(lanes, protocol, r.endpoint(), "ca", caFile.toString()));
            assertEquals("", r.received().getFirst().client());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void theCertificateMustNameTheHostOfTheEndpoint(String protocol) throws Exception {
        Issued localhostOnly = ca.leaf("collector").dns("localhost").serverAuth().issue();
        try (var r = OtlpReceiver.tls(protocol, localhostOnly, null); var lanes = new Lanes()) {
            delivers(r, lane(lanes, protocol, r.endpoint("localhost"), "ca", caFile.toString()));
        }
        try (var r = OtlpReceiver.tls(protocol, localhostOnly, null); var lanes = new Lanes()) {
            String status = refused(r, lanes, lane(lanes, protocol, r.endpoint(), "ca", caFile.toString()));
            assertTrue(status.contains(protocol.equals("grpc") ? "SSLPeerUnverifiedException: Hostname 127.0.0.1 "
                    + "not verified" : "SSLHandshakeException: (certificate_unknown) No subject alternative names "
                    + "matching IP address 127.0.0.1 found"), status);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aCollectorWhoseCaIsNotTrustedIsRefusedAndRetried(String protocol) throws Exception {
        try (var r = OtlpReceiver.tls(protocol, server, null); var lanes = new Lanes()) {
            var otherCa = lane(lanes, protocol, r.endpoint(), "ca", otherCaFile.toString(), "headers", "api-key=s3cr3t");
            var jdkCas = lane(lanes, protocol, r.endpoint());
            assertEquals(2, lanes.sinks());
            for (var lane : List.of(otherCa, jdkCas)) {
                String status = refused(r, lanes, lane);
                assertTrue(status.startsWith("last send failed: SSLHandshakeException: (certificate_unknown) PKIX "
                        + "path building failed"), status);
                assertFalse(status.contains("s3cr3t"), status);
            }
        }
    }

    static Stream<Arguments> clientKeys() {
        var out = new ArrayList<Arguments>();
        for (String protocol : List.of("http/protobuf", "grpc")) {
            for (Algorithm algorithm : Algorithm.values()) {
                for (KeyFormat format : KeyFormat.values()) {
                    out.add(Arguments.of(protocol, algorithm, format));
                }
            }
        }
        return out.stream();
    }

    /** PKCS#8, PKCS#1 (RSA) and SEC1 (EC) keys all work: the sink hands the exporter PKCS#8. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("clientKeys")
    void mutualTlsWithAClientCertificate(String protocol, Algorithm algorithm, KeyFormat format) throws Exception {
        Issued client = ca.leaf("blip-" + algorithm).algorithm(algorithm).clientAuth().issue();
        String name = protocol.replace('/', '-') + "-" + algorithm + "-" + format;
        Path cert = client.writeChain(dir.resolve(name + ".pem"));
        Path key = client.writeKey(dir.resolve(name + "-key.pem"), format);
        assertTrue(Files.readString(key).startsWith(format == KeyFormat.PKCS8 ? "-----BEGIN PRIVATE KEY-----"
                : "-----BEGIN " + algorithm + " PRIVATE KEY-----"));
        try (var r = OtlpReceiver.tls(protocol, server, ca.certificate()); var lanes = new Lanes()) {
            delivers(r, lane(lanes, protocol, r.endpoint(), "ca", caFile.toString(), "cert", cert.toString(),
                    "key", key.toString()));
            assertEquals("CN=blip-" + algorithm + ",O=Blip tests", r.received().getFirst().client());
        }
    }

    /** Key files as OpenSSL and friends write them: the key after EC PARAMETERS, or in the certificate's file. */
    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void keysBesideOtherBlocksAreFound(String protocol) throws Exception {
        Issued ec = ca.leaf("blip-ecparam").algorithm(Algorithm.EC).clientAuth().issue();
        Path sec1 = ec.writeKey(dir.resolve(protocol.replace('/', '-') + "-sec1.pem"), KeyFormat.TRADITIONAL);
        // openssl ecparam -name prime256v1 -genkey writes the curve first.
        Path ecparam = Files.writeString(dir.resolve(protocol.replace('/', '-') + "-ecparam.pem"),
                "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                        + Files.readString(sec1));
        Path ecCert = ec.writeChain(dir.resolve(protocol.replace('/', '-') + "-ecparam-cert.pem"));
        Issued rsa = ca.leaf("blip-combined").clientAuth().issue();
        Path combined = dir.resolve(protocol.replace('/', '-') + "-combined.pem");
        Files.writeString(combined, Files.readString(rsa.writeKey(dir.resolve("tmp-key.pem"), KeyFormat.PKCS8))
                + Files.readString(rsa.writeChain(dir.resolve("tmp-cert.pem"))));
        try (var r = OtlpReceiver.tls(protocol, server, ca.certificate()); var lanes = new Lanes()) {
            delivers(r, lane(lanes, protocol, r.endpoint(), "ca", caFile.toString(), "cert", ecCert.toString(),
                    "key", ecparam.toString()));
            assertEquals("CN=blip-ecparam,O=Blip tests", r.received().getFirst().client());
        }
        try (var r = OtlpReceiver.tls(protocol, server, ca.certificate()); var lanes = new Lanes()) {
            delivers(r, lane(lanes, protocol, r.endpoint(), "ca", caFile.toString(), "cert", combined.toString(),
                    "key", combined.toString()));
            assertEquals("CN=blip-combined,O=Blip tests", r.received().getFirst().client());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aCollectorThatRequiresAClientCertificateRefusesASinkWithoutOne(String protocol) throws Exception {
        try (var r = OtlpReceiver.tls(protocol, server, ca.certificate()); var lanes = new Lanes()) {
            // Under TLS 1.3 the client sees the server's certificate_required alert, or only a closed
            // connection when it reads before the alert arrives (the JDK's HTTPS server sends none).
            refused(r, lanes, lane(lanes, protocol, r.endpoint(), "ca", caFile.toString()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void aClientCertificateFromAnotherCaIsRefused(String protocol) throws Exception {
        Issued stranger = otherCa.leaf("stranger").clientAuth().issue();
        Path cert = stranger.writeChain(dir.resolve(protocol.replace('/', '-') + "-stranger.pem"));
        Path key = stranger.writeKey(dir.resolve(protocol.replace('/', '-') + "-stranger-key.pem"), KeyFormat.PKCS8);
        try (var r = OtlpReceiver.tls(protocol, server, ca.certificate()); var lanes = new Lanes()) {
            String status = refused(r, lanes, lane(lanes, protocol, r.endpoint(), "ca", caFile.toString(),
                    "cert", cert.toString(), "key", key.toString()));
            assertFalse(status.contains(Files.readAllLines(key).get(1)), "no key material in the status");
        }
    }

    /** The variables, as OpenTelemetry SDKs read them; the metrics variable wins over the general one. */
    @ParameterizedTest
    @ValueSource(strings = {"http/protobuf", "grpc"})
    void theStandardVariablesGiveTheCaAndTheClientCertificate(String protocol) throws Exception {
        Issued client = ca.leaf("blip-env").clientAuth().issue();
        Path cert = client.writeChain(dir.resolve(protocol.replace('/', '-') + "-env.pem"));
        Path key = client.writeKey(dir.resolve(protocol.replace('/', '-') + "-env-key.pem"), KeyFormat.TRADITIONAL);
        try (var plain = OtlpReceiver.tls(protocol, server, null); var lanes = new Lanes()) {
            delivers(plain, lane(lanes, Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", caFile.toString()), protocol,
                    plain.endpoint()));
        }
        var env = Map.of("OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE", caFile.toString(),
                "OTEL_EXPORTER_OTLP_CERTIFICATE", otherCaFile.toString(),
                "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE", cert.toString(),
                "OTEL_EXPORTER_OTLP_CLIENT_KEY", key.toString());
        try (var mutual = OtlpReceiver.tls(protocol, server, ca.certificate()); var lanes = new Lanes()) {
            delivers(mutual, lane(lanes, env, protocol, mutual.endpoint()));
            assertEquals("CN=blip-env,O=Blip tests", mutual.received().getFirst().client());
        }
    }

    @Test
    void aTlsFileThatIsMissingUnreadableOrNotPemIsABootError() throws Exception {
        Path missing = dir.resolve("missing.pem");
        // Whether the file is there the declaration checks (Option.path), a relative one from the config's directory.
        assertEquals(PATH + ".ca: file " + missing + " does not exist", bootError("ca", missing.toString()));
        assertEquals(PATH + ".ca: file " + dir.resolve("certs/ca.pem") + " does not exist",
                bootError("ca", "certs/ca.pem"));
        assertEquals(PATH + ".ca: file " + dir + " is a directory, not a file", bootError("ca", dir.toString()));
        assertEquals("OTEL_EXPORTER_OTLP_CERTIFICATE: file " + missing + " does not exist",
                bootError(Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", missing.toString())));

        // What is in it the sink checks.

        Path der = Files.write(dir.resolve("ca.der"), ca.certificate().getEncoded());
        assertEquals(PATH + ".ca: no certificate in '" + der + "'; it must be PEM (-----BEGIN CERTIFICATE-----); "
                + "a DER file converts with openssl x509 -inform der -in " + der + " -out <new file>",
                bootError("ca", der.toString()));
        Issued client = ca.client("blip");
        Path cert = client.writeChain(dir.resolve("client.pem"));
        Path key = client.writeKey(dir.resolve("client-key.pem"), KeyFormat.PKCS8);
        assertEquals(PATH + ".key: no private key in '" + cert + "'; it must be PEM (-----BEGIN PRIVATE KEY-----)",
                bootError("cert", cert.toString(), "key", cert.toString()));
        assertEquals(PATH + ".cert: no certificate in '" + key + "'; it must be PEM (-----BEGIN CERTIFICATE-----); "
                + "a DER file converts with openssl x509 -inform der -in " + key + " -out <new file>",
                bootError("cert", key.toString(), "key", key.toString()));
        Path damaged = Files.writeString(dir.resolve("damaged.pem"),
                "-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n");
        assertEquals(PATH + ".ca: the CERTIFICATE block in '" + damaged + "' is not valid base64; the file is "
                + "damaged, copy it again from where it was made", bootError("ca", damaged.toString()));
    }

    @Test
    void aFileBlipMayNotReadIsABootError() throws Exception {
        Path locked = Files.copy(caFile, dir.resolve("locked.pem"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(locked), "root reads any file");
        assertEquals(PATH + ".ca: cannot read '" + locked + "': permission denied; let the user Blip runs as read it",
                bootError("ca", locked.toString()));
    }

    @Test
    void aKeyTheExporterCannotUseIsABootErrorThatSaysHowToFixIt() throws Exception {
        Issued client = ca.client("blip");
        Path cert = client.writeChain(dir.resolve("enc-client.pem"));
        Path encrypted = client.writeEncryptedKey(dir.resolve("enc-key.pem"), "secret-password");
        String message = bootError("cert", cert.toString(), "key", encrypted.toString());
        assertEquals(PATH + ".key: the private key in '" + encrypted + "' is encrypted, and Blip reads "
                + "unencrypted keys only; decrypt it into a file only Blip can read: openssl pkey -in " + encrypted
                + " -out <new file>", message);
        Path legacy = Files.writeString(dir.resolve("legacy-key.pem"), "-----BEGIN RSA PRIVATE KEY-----\n"
                + "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n");
        assertTrue(bootError("cert", cert.toString(), "key", legacy.toString())
                .startsWith(PATH + ".key: the private key in '" + legacy + "' is encrypted"));
        Path ssh = Files.writeString(dir.resolve("id_ed25519"),
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
        assertEquals(PATH + ".key: '" + ssh + "' is an OpenSSH key, not a TLS key; give the PEM private key of the "
                + "certificate (-----BEGIN PRIVATE KEY-----)", bootError("cert", cert.toString(), "key", ssh.toString()));
        Path garbage = Files.writeString(dir.resolve("garbage-key.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\nAAECAw==\n-----END RSA PRIVATE KEY-----\n");
        message = bootError("cert", cert.toString(), "key", garbage.toString());
        assertTrue(message.startsWith(PATH + ".key: the private key in '" + garbage + "' is not valid ("), message);
        assertTrue(message.endsWith("; write it as PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + garbage
                + " -out <new file>"), message);
        // Blip reads EdDSA keys; the exporter does not.
        Path ed25519 = Files.writeString(dir.resolve("ed25519-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
                        .getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        assertEquals(PATH + ".key: the private key in '" + ed25519 + "' is an EdDSA key, and the OTLP exporter "
                + "takes RSA or EC keys only; use an RSA or EC key",
                bootError("cert", cert.toString(), "key", ed25519.toString()));
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsABootError() {
        Issued one = ca.client("one");
        Issued two = ca.client("two");
        Issued ec = ca.leaf("ec").algorithm(Algorithm.EC).clientAuth().issue();
        Issued ec2 = ca.leaf("ec2").algorithm(Algorithm.EC).clientAuth().issue();
        Path oneCert = one.writeChain(dir.resolve("one.pem"));
        Path ecCert = ec.writeChain(dir.resolve("ec.pem"));
        Path twoKey = two.writeKey(dir.resolve("two-key.pem"), KeyFormat.TRADITIONAL);
        Path ecKey = ec.writeKey(dir.resolve("ec-key.pem"), KeyFormat.PKCS8);
        Path ec2Key = ec2.writeKey(dir.resolve("ec2-key.pem"), KeyFormat.TRADITIONAL);
        assertEquals(PATH + ".key: the key in '" + twoKey + "' is not the private key of the certificate in '" + oneCert
                + "' (CN=one, O=Blip tests); give the key that was made with that certificate",
                bootError("cert", oneCert.toString(), "key", twoKey.toString()));
        assertEquals(PATH + ".key: the key in '" + ec2Key + "' is not the private key of the certificate in '" + ecCert
                + "' (CN=ec, O=Blip tests); give the key that was made with that certificate",
                bootError("cert", ecCert.toString(), "key", ec2Key.toString()));
        assertTrue(bootError("cert", oneCert.toString(), "key", ecKey.toString())
                .startsWith(PATH + ".key: the key in '" + ecKey + "' is not the private key of the certificate"));
    }

    @Test
    void aCertificateWithoutAKeyOrAKeyWithoutACertificateIsABootError() {
        Issued client = ca.client("blip");
        Path cert = client.writeChain(dir.resolve("alone.pem"));
        Path key = client.writeKey(dir.resolve("alone-key.pem"), KeyFormat.PKCS8);
        assertEquals(PATH + ".cert: '" + cert + "' is set without a key; set " + PATH + ".key (or "
                + "OTEL_EXPORTER_OTLP_CLIENT_KEY) to its private key, or remove the certificate",
                bootError("cert", cert.toString()));
        assertEquals(PATH + ".key: '" + key + "' is set without a certificate; set " + PATH + ".cert (or "
                + "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE) to the client certificate of this key, or remove the key",
                bootError("key", key.toString()));
        assertEquals("OTEL_EXPORTER_OTLP_CLIENT_KEY: '" + key + "' is set without a certificate; set " + PATH
                + ".cert (or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE) to the client certificate of this key, or remove "
                + "the key", bootError(Map.of("OTEL_EXPORTER_OTLP_CLIENT_KEY", key.toString())));
    }

    /**
     * Every problem the declaration sees at once (files that are not there), and then every problem
     * the sink sees at once (what is in them); the sink's checks run on options the declaration passed.
     */
    @Test
    void everyTlsProblemIsReportedAtOnceAndNoneShowsKeyMaterial() throws Exception {
        Issued one = ca.client("one");
        Path cert = one.writeChain(dir.resolve("all-one.pem"));
        Path otherKey = ca.client("other").writeKey(dir.resolve("all-other-key.pem"), KeyFormat.PKCS8);
        Path missing = dir.resolve("nowhere.pem");
        assertEquals(PATH + ".ca: file " + missing + " does not exist\n" + PATH + ".cert: file " + dir.resolve("gone.pem")
                        + " does not exist",
                bootError("ca", missing.toString(), "cert", "gone.pem", "key", otherKey.toString()));
        Path der = Files.write(dir.resolve("all-ca.der"), ca.certificate().getEncoded());
        String message = bootError("ca", der.toString(), "cert", cert.toString(), "key", otherKey.toString());
        assertEquals(PATH + ".ca: no certificate in '" + der + "'; it must be PEM (-----BEGIN CERTIFICATE-----); "
                + "a DER file converts with openssl x509 -inform der -in " + der + " -out <new file>; " + PATH
                + ".key: the key in '" + otherKey + "' is not the private key of the certificate in '" + cert
                + "' (CN=one, O=Blip tests); give the key that was made with that certificate", message);
        for (String line : Files.readAllLines(otherKey)) {
            if (!line.startsWith("-----")) {
                assertFalse(message.contains(line), "key material in the message");
            }
        }
    }
}
