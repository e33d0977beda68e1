package io.blip.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Algorithm;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PEM files as people have them: every key form, chains, and the files that are not what they should be. */
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
        PemException e = assertThrows(PemException.class, () -> Pem.certificates(missing));
        assertEquals(missing + ": file not found", e.getMessage());
    }

    @Test
    void aFileWithNoCertificateSaysWhatItShouldHold() throws Exception {
        String expected = ": no certificate in the file (is it PEM, -----BEGIN CERTIFICATE-----?)";
        Path der = Files.write(dir.resolve("ca.der"), ca.certificate().getEncoded());
        assertEquals(der + expected, assertThrows(PemException.class, () -> Pem.certificates(der)).getMessage());
        Path keyOnly = rsa.writeKey(dir.resolve("key.pem"), KeyFormat.PKCS8);
        assertEquals(keyOnly + expected, assertThrows(PemException.class, () -> Pem.certificates(keyOnly))
                .getMessage());
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertEquals(empty + expected, assertThrows(PemException.class, () -> Pem.certificates(empty)).getMessage());
    }

    @Test
    void aFileWithNoKeySaysWhatItShouldHold() throws Exception {
        Path certOnly = rsa.writeCertificate(dir.resolve("cert.pem"));
        assertEquals(certOnly + ": no private key in the file (is it PEM, -----BEGIN PRIVATE KEY-----?)",
                assertThrows(PemException.class, () -> Pem.privateKey(certOnly)).getMessage());
    }

    @Test
    void aBrokenCertificateBlockIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        String message = assertThrows(PemException.class, () -> Pem.certificates(file)).getMessage();
        assertTrue(message.startsWith(file + ": certificate 1 in the file is not valid: "), message);
    }

    @Test
    void encryptedKeysAreRefusedWithTheWayOut() throws Exception {
        String expected = ": the private key is encrypted, and Blip reads unencrypted keys only; decrypt it into a"
                + " file only Blip can read (openssl pkey -in ";
        Path pkcs8 = rsa.writeEncryptedKey(dir.resolve("enc.pem"), "pw");
        assertEquals("-----BEGIN ENCRYPTED PRIVATE KEY-----", Files.readAllLines(pkcs8).getFirst());
        assertEquals(pkcs8 + expected + pkcs8 + " -out <new file>)",
                assertThrows(PemException.class, () -> Pem.privateKey(pkcs8)).getMessage());

        // OpenSSL's legacy form: a PKCS#1 block with RFC 1421 headers.
        List<String> lines = Files.readAllLines(rsa.writeKey(dir.resolve("legacy.pem"), KeyFormat.TRADITIONAL));
        String legacy = lines.getFirst() + "\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
                + String.join("\n", lines.subList(1, lines.size())) + "\n";
        Path legacyFile = Files.writeString(dir.resolve("legacy.pem"), legacy, StandardCharsets.US_ASCII);
        assertEquals(legacyFile + expected + legacyFile + " -out <new file>)",
                assertThrows(PemException.class, () -> Pem.privateKey(legacyFile)).getMessage());
    }

    @Test
    void aKeyOfAnotherKindIsNamed() throws Exception {
        Path ssh = Files.writeString(dir.resolve("id_ed25519"),
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
        assertEquals(ssh + ": an OpenSSH key is not a TLS key; use an RSA or EC key in PEM"
                + " (-----BEGIN PRIVATE KEY-----)", assertThrows(PemException.class, () -> Pem.privateKey(ssh))
                .getMessage());
        Path garbage = Files.writeString(dir.resolve("garbage.pem"),
                "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n");
        String message = assertThrows(PemException.class, () -> Pem.privateKey(garbage)).getMessage();
        assertEquals(garbage + ": the private key is not valid: not a PKCS#8 private key", message);
    }
}
