package io.blip.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.blip.api.tls.Pem;
import io.blip.api.tls.PemException;
import io.blip.testkit.TestCertificates.Algorithm;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * blip-api's {@link Pem} against PEM files as people have them: every key form, chains, and the files
 * that are not what they should be. Here, not in blip-api, because it needs {@link TestCertificates}
 * and blip-testkit depends on blip-api (its tests would be a dependency cycle).
 */
class PemTest {
    private static Authority ca;
    private static Issued rsa;
    private static Issued ec;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() {
        ca = TestCertificates.authority("Pem Test CA");
        rsa = ca.leaf("rsa-client").clientAuth().issue();
        ec = ca.leaf("ec-client").algorithm(Algorithm.EC).clientAuth().issue();
    }

    /** The same private value: encodings differ (a SEC1 key keeps its curve and public key inside). */
    static void assertSameKey(PrivateKey expected, PrivateKey actual) {
        if (expected instanceof ECPrivateKey e && actual instanceof ECPrivateKey a) {
            assertEquals(e.getS(), a.getS());
            assertEquals(e.getParams().getCurve(), a.getParams().getCurve());
        } else {
            assertEquals(expected, actual);
        }
    }

    /** A file of one PEM block. */
    private Path block(String name, String type, String base64) throws Exception {
        return Files.writeString(dir.resolve(name), "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type
                + "-----\n");
    }

    private Path block(String name, String type, byte[] der) throws Exception {
        return block(name, type, Base64.getMimeEncoder().encodeToString(der));
    }

    private static String message(PemReader read, Path file) {
        return assertThrows(PemException.class, () -> read.read(file)).getMessage();
    }

    /** {@code Pem::certificates} or {@code Pem::privateKey}, for {@link #message}. */
    private interface PemReader {
        Object read(Path file) throws PemException;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"RSA, PKCS8, -----BEGIN PRIVATE KEY-----", "RSA, TRADITIONAL, -----BEGIN RSA PRIVATE KEY-----",
            "EC, PKCS8, -----BEGIN PRIVATE KEY-----", "EC, TRADITIONAL, -----BEGIN EC PRIVATE KEY-----"})
    void readsEveryKeyForm(Algorithm algorithm, KeyFormat format, String firstLine) throws Exception {
        Issued issued = algorithm == Algorithm.RSA ? rsa : ec;
        Path file = issued.writeKey(dir.resolve("key.pem"), format);
        assertEquals(firstLine, Files.readAllLines(file).getFirst());
        PrivateKey key = Pem.privateKey(file);
        assertEquals(algorithm.name(), key.getAlgorithm());
        assertSameKey(issued.key(), key);
        assertTrue(Pem.matches(key, issued.certificate()));
    }

    /** What a library that reads PKCS#8 only (the OpenTelemetry exporter) gets, whatever the file's form. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"RSA, PKCS8", "RSA, TRADITIONAL", "EC, PKCS8", "EC, TRADITIONAL"})
    void everyKeyFormIsGivenAsOnePkcs8Block(Algorithm algorithm, KeyFormat format) throws Exception {
        Issued issued = algorithm == Algorithm.RSA ? rsa : ec;
        Path file = issued.writeKey(dir.resolve("key.pem"), format);
        String pem = new String(Pem.privateKeyPem(file), StandardCharsets.US_ASCII);
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem.lines().findFirst().orElse(""));
        assertTrue(pem.endsWith("\n-----END PRIVATE KEY-----\n"));
        String base64 = pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
        PrivateKey key = KeyFactory.getInstance(algorithm.name())
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        assertSameKey(issued.key(), key);
    }

    @Test
    void anEd25519KeyIsReadAndMatched() throws Exception {
        var keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path file = block("ed.pem", "PRIVATE KEY", keys.getPrivate().getEncoded());
        PrivateKey key = Pem.privateKey(file);
        assertEquals(keys.getPrivate(), key);
        assertFalse(Pem.matches(key, ec.certificate()));
        assertFalse(Pem.matches(key, rsa.certificate()));
    }

    @Test
    void anEcKeyAfterItsParametersBlockAsOpensslEcparamWritesIt() throws Exception {
        Path key = ec.writeKey(dir.resolve("ec.pem"), KeyFormat.TRADITIONAL);
        Files.writeString(key, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + Files.readString(key));
        assertSameKey(ec.key(), Pem.privateKey(key));
    }

    @Test
    void aChainKeepsItsOrderAndIgnoresTextAroundTheBlocks() throws Exception {
        Authority intermediate = ca.intermediate("Pem Intermediate");
        Issued leaf = intermediate.leaf("leaf").serverAuth().dns("leaf.test").issue();
        Path file = leaf.writeChain(dir.resolve("chain.pem"));
        // As openssl pkcs12 -nokeys writes it, with Windows line ends.
        String withText = "Bag Attributes\n    friendlyName: leaf\nsubject=CN=leaf\n" + Files.readString(file);
        Files.writeString(file, withText.replace("\n", "\r\n") + "\r\ntrailing words\r\n");
        List<X509Certificate> chain = Pem.certificates(file);
        assertEquals(List.of(leaf.certificate(), intermediate.certificate()), chain);

        // Given on as PEM: the certificates only, in the same order.
        byte[] pem = Pem.certificatesPem(file);
        String text = new String(pem, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("-----BEGIN CERTIFICATE-----\n") && !text.contains("Bag Attributes")
                && !text.contains("\r"), text);
        assertEquals(chain, CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem)).stream().toList());
        assertArrayEquals(pem, Pem.certificatesPem(leaf.writeChain(dir.resolve("plain.pem"))));
    }

    @Test
    void aKeyThatIsNotTheCertificatesDoesNotMatch() {
        assertFalse(Pem.matches(rsa.key(), ec.certificate()));
        assertFalse(Pem.matches(ec.key(), rsa.certificate()));
        Issued otherEc = ca.leaf("other").algorithm(Algorithm.EC).issue();
        assertFalse(Pem.matches(otherEc.key(), ec.certificate()));
        Issued otherRsa = ca.client("other-rsa");
        assertFalse(Pem.matches(otherRsa.key(), rsa.certificate()));
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.pem");
        assertEquals("'" + missing + "' does not exist", message(Pem::certificates, missing));
        assertEquals("'" + missing + "' does not exist", message(Pem::privateKey, missing));
        assertEquals("'certs/ca.pem' does not exist (a relative path is from the working directory, "
                + Path.of("").toAbsolutePath() + ")", message(Pem::certificates, Path.of("certs/ca.pem")));
    }

    @Test
    void aDirectoryOrAFileBlipMayNotReadIsNamed() throws Exception {
        assertEquals("'" + dir + "' is a directory; give the PEM file in it", message(Pem::certificates, dir));
        Path locked = rsa.writeCertificate(dir.resolve("locked.pem"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(locked), "root reads any file");
        assertEquals("cannot read '" + locked + "': permission denied; let the user Blip runs as read it",
                message(Pem::certificates, locked));
    }

    @Test
    void aFileWithNoCertificateSaysWhatItShouldHold() throws Exception {
        Path der = Files.write(dir.resolve("ca.der"), ca.certificate().getEncoded());
        Path keyOnly = rsa.writeKey(dir.resolve("key.pem"), KeyFormat.PKCS8);
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        for (Path file : List.of(der, keyOnly, empty)) {
            assertEquals("no certificate in '" + file + "'; it must be PEM (-----BEGIN CERTIFICATE-----); a DER file"
                    + " converts with openssl x509 -inform der -in " + file + " -out <new file>",
                    message(Pem::certificates, file));
        }
    }

    @Test
    void aFileWithNoKeySaysWhatItShouldHold() throws Exception {
        Path certOnly = rsa.writeCertificate(dir.resolve("cert.pem"));
        assertEquals("no private key in '" + certOnly + "'; it must be PEM (-----BEGIN PRIVATE KEY-----)",
                message(Pem::privateKey, certOnly));
    }

    @Test
    void aBrokenCertificateBlockIsNamed() throws Exception {
        Path file = block("bad.pem", "CERTIFICATE", "AAAA");
        String message = message(Pem::certificates, file);
        assertTrue(message.startsWith("certificate 1 in '" + file + "' is not valid ("), message);
        assertTrue(message.endsWith("); give the PEM certificate as the CA issued it"), message);
    }

    @Test
    void aDamagedBlockIsNamed() throws Exception {
        Path damaged = block("damaged.pem", "CERTIFICATE", "not*base64");
        assertEquals("the CERTIFICATE block in '" + damaged + "' is not valid base64; the file is damaged, copy it"
                + " again from where it was made", message(Pem::certificates, damaged));
    }

    @Test
    void encryptedKeysAreRefusedWithTheWayOut() throws Exception {
        String expected = "' is encrypted, and Blip reads unencrypted keys only; decrypt it into a file only Blip"
                + " can read: openssl pkey -in ";
        Path pkcs8 = rsa.writeEncryptedKey(dir.resolve("enc.pem"), "pw");
        assertEquals("-----BEGIN ENCRYPTED PRIVATE KEY-----", Files.readAllLines(pkcs8).getFirst());
        assertEquals("the private key in '" + pkcs8 + expected + pkcs8 + " -out <new file>",
                message(Pem::privateKey, pkcs8));

        // OpenSSL's legacy form: a PKCS#1 block with RFC 1421 headers.
        List<String> lines = Files.readAllLines(rsa.writeKey(dir.resolve("legacy.pem"), KeyFormat.TRADITIONAL));
        String legacy = lines.getFirst() + "\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
                + String.join("\n", lines.subList(1, lines.size())) + "\n";
        Path legacyFile = Files.writeString(dir.resolve("legacy.pem"), legacy, StandardCharsets.US_ASCII);
        assertEquals("the private key in '" + legacyFile + expected + legacyFile + " -out <new file>",
                message(Pem::privateKey, legacyFile));
    }

    @Test
    void aKeyOfAnotherKindIsNamed() throws Exception {
        Path ssh = block("id_ed25519", "OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAA");
        assertEquals("'" + ssh + "' is an OpenSSH key, not a TLS key; give the PEM private key of the certificate"
                + " (-----BEGIN PRIVATE KEY-----)", message(Pem::privateKey, ssh));
        Path dsa = block("dsa.pem", "DSA PRIVATE KEY", "MAMCAQA=");
        assertEquals("the private key in '" + dsa + "' is a DSA key, which is not supported; use an RSA or EC key"
                + " (-----BEGIN PRIVATE KEY-----)", message(Pem::privateKey, dsa));
        Path dsaPkcs8 = block("dsa8.pem", "PRIVATE KEY",
                KeyPairGenerator.getInstance("DSA").generateKeyPair().getPrivate().getEncoded());
        assertEquals("the private key in '" + dsaPkcs8 + "' has key algorithm 1.2.840.10040.4.1, which is not"
                + " supported; use an RSA or EC key", message(Pem::privateKey, dsaPkcs8));
        Path garbage = block("garbage.pem", "PRIVATE KEY", "MAMCAQA=");
        assertEquals("the private key in '" + garbage + "' is not valid (not a PKCS#8 private key); write it as"
                + " PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + garbage + " -out <new file>",
                message(Pem::privateKey, garbage));
    }
}
