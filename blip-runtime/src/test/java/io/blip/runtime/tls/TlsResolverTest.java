package io.blip.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.runtime.mysql.TestMonitors;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.tls.TlsMaterial;
import io.blip.api.tls.TlsProvider;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Algorithm;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which source a monitor's TLS comes from, what each key and ssl-mode means, and what a bad file says. */
class TlsResolverTest {
    private static final String ORIGIN = "blip.yaml: monitors[0]";
    private static Authority ca;
    private static Issued client;

    @TempDir
    Path dir;
    private Path caFile;
    private Path certFile;
    private Path keyFile;
    private final List<String> asked = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() {
        ca = TestCertificates.authority("Resolver CA");
        client = ca.leaf("blip").algorithm(Algorithm.EC).clientAuth().issue();
    }

    @BeforeEach
    void writeFiles() {
        caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        certFile = client.writeChain(dir.resolve("client.pem"));
        keyFile = client.writeKey(dir.resolve("client-key.pem"), KeyFormat.TRADITIONAL);
    }

    private static MonitorConfig monitor(TlsConfig tls, String mycnf) {
        MysqlConfig mysql = new MysqlConfig("db.example:3306", "", mycnf, "blip", null, "", Duration.ofSeconds(5), "");
        return TestMonitors.monitor("db1", ORIGIN, mysql, tls);
    }

    private static TlsConfig tls(String ca, String cert, String key, boolean skipVerify, boolean disable,
                                 String serverName) {
        return new TlsConfig(ca, cert, key, skipVerify, disable, serverName, "", "");
    }

    /** A provider that records being asked and answers with the test CA. */
    private TlsProvider provider(String name, boolean answers, boolean verifyIdentity) {
        return new TlsProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<TlsMaterial> tls(MonitorConfig monitor) {
                asked.add(name);
                return answers ? Optional.of(new TlsMaterial(name + " bundle", List.of(ca.certificate()),
                        verifyIdentity)) : Optional.empty();
            }
        };
    }

    private TlsSettings resolve(MonitorConfig m, TlsProvider... providers) {
        return TlsResolver.resolve(m, null, TlsConfig.EMPTY, List.of(providers));
    }

    private TlsSettings resolveMycnf(TlsConfig ssl, TlsProvider... providers) {
        Path cnf = dir.resolve("my.cnf");
        return TlsResolver.resolve(monitor(TlsConfig.EMPTY, cnf.toString()), cnf, ssl, List.of(providers));
    }

    @Test
    void aCaVerifiesTheCaAndTheNameAsBlipDoes() {
        TlsSettings s = resolve(monitor(tls(caFile.toString(), "", "", false, false, ""), ""),
                provider("never", true, true));
        assertEquals(TlsMode.VERIFY_IDENTITY, s.mode());
        assertEquals(List.of(ca.certificate()), s.trustedCas());
        assertEquals(ORIGIN + ".tls.ca: " + caFile, s.trustSource());
        assertEquals(ORIGIN + ".tls", s.source());
        assertNull(s.client());
        assertEquals(List.of(), asked, "explicit config wins: providers are not asked");
    }

    @Test
    void aClientCertificateAloneStillVerifiesTheServerAgainstTheJdksCas() {
        TlsSettings s = resolve(monitor(tls("", certFile.toString(), keyFile.toString(), false, false, ""), ""));
        assertEquals(TlsMode.VERIFY_IDENTITY, s.mode());
        assertEquals(List.of(), s.trustedCas());
        assertEquals("the JDK's trusted CAs", s.trustSource());
        assertSameEcKey(client.key(), s.client().key());
        assertEquals(List.of(client.certificate()), s.client().chain());
        assertFalse(s.toString().contains(client.key().toString()), s.toString());
        assertEquals("VERIFY_IDENTITY (" + ORIGIN + ".tls); CAs: the JDK's trusted CAs; client certificate "
                + "CN=blip, O=Blip tests (" + ORIGIN + ".tls.cert: " + certFile + ")", s.describe());
    }

    @Test
    void skipVerifyEncryptsWithoutVerifyingAndStillSendsTheClientCertificate() {
        TlsSettings s = resolve(monitor(tls(caFile.toString(), certFile.toString(), keyFile.toString(), true, false,
                ""), ""));
        assertEquals(TlsMode.REQUIRED, s.mode());
        assertEquals(ORIGIN + ".tls.skip-verify", s.source());
        assertSameEcKey(client.key(), s.client().key());
    }

    @Test
    void disableTurnsTlsOffWithoutReadingTheFiles() {
        TlsSettings s = resolve(monitor(tls("/nope/ca.pem", "", "", false, true, ""), ""), provider("p", true, true));
        assertEquals(TlsMode.DISABLED, s.mode());
        assertEquals(List.of(), asked);
    }

    @Test
    void serverNameAndMinVersionAloneVerifyAgainstTheJdksCas() {
        TlsSettings s = resolve(monitor(new TlsConfig("", "", "", false, false, "mysql.internal", "TLSv1.3", ""), ""),
                provider("p", true, false));
        assertEquals(TlsMode.VERIFY_IDENTITY, s.mode());
        assertEquals("mysql.internal", s.serverName());
        assertEquals("TLSv1.3", s.minVersion());
        assertEquals(List.of(), asked);
    }

    /** The mysql client's rules: sslopt-case.h turns an ssl-ca without ssl-mode into VERIFY_CA. */
    @ParameterizedTest(name = "ssl-mode ''{0}'', ssl-ca {1}")
    @CsvSource({
            "'', true, VERIFY_CA, 1",
            "'', false, PREFERRED, 0",
            "DISABLED, true, DISABLED, 0",
            "PREFERRED, true, PREFERRED, 0",
            "REQUIRED, true, REQUIRED, 0",
            "VERIFY_CA, true, VERIFY_CA, 1",
            "VERIFY_CA, false, VERIFY_CA, 0",
            "VERIFY_IDENTITY, true, VERIFY_IDENTITY, 1",
            "verify_identity, true, VERIFY_IDENTITY, 1"})
    void mycnfSslModeMeansWhatMysqlSays(String mode, boolean withCa, TlsMode expected, int cas) {
        TlsSettings s = resolveMycnf(new TlsConfig(withCa ? caFile.toString() : "", certFile.toString(),
                keyFile.toString(), false, false, "", "", mode), provider("p", true, true));
        assertEquals(expected, s.mode());
        assertEquals(cas, s.trustedCas().size());
        assertEquals(expected != TlsMode.DISABLED, s.client() != null);
        assertEquals(List.of(), asked, "my.cnf ssl-* wins over providers");
        assertEquals(withCa && !mode.isEmpty() && !expected.verifiesCa() && expected != TlsMode.DISABLED,
                !s.warnings().isEmpty());
    }

    @Test
    void belowVerifyCaTheCaFileIsNotReadAsInMysql() {
        TlsSettings s = resolveMycnf(new TlsConfig("/nope/ca.pem", "", "", false, false, "", "", "REQUIRED"));
        assertEquals(TlsMode.REQUIRED, s.mode());
        assertEquals(List.of(ORIGIN + ".mysql.mycnf: " + dir.resolve("my.cnf") + ": ssl-ca is set but ssl-mode"
                + " REQUIRED does not verify the server certificate, as in MySQL; use ssl-mode VERIFY_CA or"
                + " VERIFY_IDENTITY"), s.warnings());
    }

    @Test
    void anUnknownSslModeListsTheModes() {
        Path cnf = dir.resolve("my.cnf");
        BlipException e = assertThrows(BlipException.class, () -> resolveMycnf(
                new TlsConfig("", "", "", false, false, "", "", "STRICT")));
        assertEquals(ORIGIN + ".mysql.mycnf: " + cnf + ": ssl-mode: 'STRICT' is not an ssl-mode; use DISABLED,"
                + " PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY", e.getMessage());
    }

    @Test
    void theFirstProviderThatAnswersIsUsedWhenNothingElseSetsTls() {
        TlsSettings s = resolve(monitor(TlsConfig.EMPTY, ""), provider("first", false, true),
                provider("second", true, false), provider("third", true, true));
        assertEquals(List.of("first", "second"), asked);
        assertEquals(TlsMode.VERIFY_CA, s.mode());
        assertEquals(List.of(ca.certificate()), s.trustedCas());
        assertEquals("TLS provider second: second bundle", s.source());

        asked.clear();
        assertEquals(TlsMode.VERIFY_IDENTITY, resolve(monitor(TlsConfig.EMPTY, ""), provider("id", true, true))
                .mode());
    }

    @Test
    void withNoSourceTlsIsUsedWhenTheServerOffersIt() {
        TlsSettings s = resolve(monitor(TlsConfig.EMPTY, ""), provider("none", false, false));
        assertEquals(TlsMode.PREFERRED, s.mode());
        assertEquals("PREFERRED (no tls settings: TLS when the server offers it)", s.describe());
    }

    @Test
    void aFailingProviderIsABootError() {
        TlsProvider broken = new TlsProvider() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Optional<TlsMaterial> tls(MonitorConfig monitor) throws Exception {
                throw new IllegalStateException("bundle unreadable");
            }
        };
        BlipException e = assertThrows(BlipException.class, () -> resolve(monitor(TlsConfig.EMPTY, ""), broken));
        assertEquals(ORIGIN + ": TLS provider broken failed: bundle unreadable", e.getMessage());
    }

    /** The same private value: encodings differ (the SEC1 key file keeps its curve and public key inside). */
    private static void assertSameEcKey(PrivateKey expected, PrivateKey actual) {
        assertEquals(((ECPrivateKey) expected).getS(), ((ECPrivateKey) actual).getS());
    }

    /** io.blip.api.tls.Pem's message for a file without a certificate. */
    private static String noCertificate(Path file) {
        return "no certificate in '" + file + "'; it must be PEM (-----BEGIN CERTIFICATE-----); a DER file converts"
                + " with openssl x509 -inform der -in " + file + " -out <new file>";
    }

    @Test
    void everyBadFileIsReportedAtOnceWithItsKey() throws Exception {
        Path notPem = Files.write(dir.resolve("ca.der"), ca.certificate().getEncoded());
        Path otherKey = TestCertificates.authority("Other").client("x").writeKey(dir.resolve("other-key.pem"),
                KeyFormat.PKCS8);
        BlipException e = assertThrows(BlipException.class, () -> resolve(monitor(tls(notPem.toString(),
                certFile.toString(), otherKey.toString(), false, false, ""), "")));
        assertEquals(String.join("\n",
                ORIGIN + ".tls.ca: " + noCertificate(notPem),
                ORIGIN + ".tls.key: the key in '" + otherKey + "' is not the private key of the certificate in '"
                        + certFile + "' (CN=blip, O=Blip tests); give the key that was made with that certificate"),
                e.getMessage());

        BlipException swapped = assertThrows(BlipException.class, () -> resolve(monitor(tls("", keyFile.toString(),
                certFile.toString(), false, false, ""), "")));
        assertEquals(String.join("\n",
                ORIGIN + ".tls.cert: " + noCertificate(keyFile),
                ORIGIN + ".tls.key: no private key in '" + certFile + "'; it must be PEM"
                        + " (-----BEGIN PRIVATE KEY-----)"),
                swapped.getMessage());
    }

    @Test
    void mycnfProblemsNameTheMycnfFileAndKey() {
        Path cnf = dir.resolve("my.cnf");
        BlipException e = assertThrows(BlipException.class, () -> resolveMycnf(new TlsConfig("/nope/ca.pem",
                certFile.toString(), "", false, false, "", "", "VERIFY_CA")));
        assertEquals(String.join("\n",
                ORIGIN + ".mysql.mycnf: " + cnf + ": ssl-ca: '/nope/ca.pem' does not exist",
                ORIGIN + ".mysql.mycnf: " + cnf + ": ssl-cert is set but " + ORIGIN + ".mysql.mycnf: " + cnf
                        + ": ssl-key is not; a client certificate needs both"), e.getMessage());
    }

    @Test
    void aRewrittenFileIsNoticed() throws Exception {
        TlsSettings s = resolve(monitor(tls(caFile.toString(), certFile.toString(), keyFile.toString(), false, false,
                ""), ""));
        assertFalse(s.filesChanged());
        ca.leaf("renewed").algorithm(Algorithm.EC).clientAuth().issue().writeChain(certFile);
        // Whatever the file system's time granularity, a renewal is a later time.
        Files.setLastModifiedTime(certFile, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        assertTrue(s.filesChanged());
        Files.delete(caFile);
        assertTrue(s.filesChanged());
    }

    @Test
    void mycnfItselfIsWatchedWhenItSetsTls() throws Exception {
        Path cnf = Files.writeString(dir.resolve("my.cnf"), "[client]\nssl-mode=REQUIRED\n");
        TlsSettings s = resolveMycnf(new TlsConfig("", "", "", false, false, "", "", "REQUIRED"));
        assertFalse(s.filesChanged());
        Files.writeString(cnf, "[client]\nssl-mode=VERIFY_IDENTITY\n");
        Files.setLastModifiedTime(cnf, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        assertTrue(s.filesChanged());
    }
}
