package io.blip.runtime.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys from PEM files as people have them, in memory: certificate chains
 * ({@code BEGIN CERTIFICATE}, any number, other blocks ignored) and unencrypted private keys in
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}) form. The JDK reads PKCS#8 only, so PKCS#1 and SEC1 keys are
 * wrapped into PKCS#8 here (with {@link Der}); nothing is written to disk and no keystore is needed.
 *
 * <p>Messages name the file and never hold key material.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R?(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String NO_CERTIFICATE = "no certificate in the file (is it PEM, -----BEGIN CERTIFICATE-----?)";
    private static final String NO_KEY = "no private key in the file (is it PEM, -----BEGIN PRIVATE KEY-----?)";

    /** PKCS#8 algorithm OIDs (dotted) and the JDK's names for their key factories. */
    private static final Map<String, String> KEY_ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    private Pem() {
    }

    /** One {@code -----BEGIN type-----} block: its type, its headers (legacy encryption) and its DER. */
    private record Block(String type, boolean encrypted, byte[] der) {
    }

    /** The certificates in the file, in file order (a chain: the leaf first). */
    static List<X509Certificate> certificates(Path file) throws PemException {
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        for (Block b : blocks(file)) {
            if (!b.type().equals("CERTIFICATE")) {
                continue;
            }
            try {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException e) {
                throw new PemException(file + ": certificate " + (out.size() + 1) + " in the file is not valid: "
                        + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new PemException(file + ": " + NO_CERTIFICATE);
        }
        return List.copyOf(out);
    }

    /** The first private key in the file. */
    static PrivateKey privateKey(Path file) throws PemException {
        for (Block b : blocks(file)) {
            switch (b.type()) {
                case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
                    if (b.encrypted()) {
                        throw encrypted(file);
                    }
                    return key(file, b);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw encrypted(file);
                case "OPENSSH PRIVATE KEY" -> throw new PemException(file + ": an OpenSSH key is not a TLS key; use"
                        + " an RSA or EC key in PEM (-----BEGIN PRIVATE KEY-----)");
                case "DSA PRIVATE KEY" -> throw new PemException(file + ": DSA keys are not supported; use an RSA or"
                        + " EC key (-----BEGIN PRIVATE KEY-----)");
                default -> {
                    // Certificates or EC PARAMETERS beside the key: not ours to read here.
                }
            }
        }
        throw new PemException(file + ": " + NO_KEY);
    }

    /** Whether {@code key} is the private key of {@code certificate}. */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        PublicKey publicKey = certificate.getPublicKey();
        if (key instanceof RSAKey rsa) {
            return publicKey instanceof RSAKey rsaPublic && rsa.getModulus().equals(rsaPublic.getModulus());
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> "";
        };
        if (algorithm.isEmpty()) {
            return false;
        }
        // Sign with the key, verify with the certificate: works for every curve without EC arithmetic here.
        try {
            byte[] probe = "blip key check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(publicKey);
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            // E.g. an EC key beside an RSA certificate.
            return false;
        }
    }

    private static PemException encrypted(Path file) {
        return new PemException(file + ": the private key is encrypted, and Blip reads unencrypted keys only;"
                + " decrypt it into a file only Blip can read (openssl pkey -in " + file + " -out <new file>)");
    }

    private static PrivateKey key(Path file, Block b) throws PemException {
        try {
            byte[] pkcs8 = switch (b.type()) {
                case "RSA PRIVATE KEY" -> fromPkcs1(b.der());
                case "EC PRIVATE KEY" -> fromSec1(b.der());
                default -> b.der();
            };
            String algorithm = algorithmOf(pkcs8);
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // The JDK's messages about a key say what is wrong with its structure, not what is in it.
            throw new PemException(file + ": the " + b.type().toLowerCase(Locale.ROOT)
                    + " is not valid: " + e.getMessage(), e);
        }
    }

    /** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo { 0, { rsaEncryption, NULL }, OCTET STRING key }. */
    private static byte[] fromPkcs1(byte[] pkcs1) {
        if (Der.read(pkcs1).tag() != Der.SEQUENCE) {
            throw new IllegalArgumentException("an RSA private key is a DER SEQUENCE");
        }
        return Der.sequence(Der.integerZero(), Der.sequence(Der.RSA_ENCRYPTION, Der.nul()), Der.octetString(pkcs1));
    }

    /**
     * SEC1 ECPrivateKey → PKCS#8 PrivateKeyInfo { 0, { id-ecPublicKey, curve }, OCTET STRING key }.
     * The curve is the key's {@code [0]} parameters, which OpenSSL always writes for a named curve.
     */
    private static byte[] fromSec1(byte[] sec1) {
        Der.Element key = Der.read(sec1);
        if (key.tag() != Der.SEQUENCE) {
            throw new IllegalArgumentException("an EC private key is a DER SEQUENCE");
        }
        for (Der.Element e : Der.readAll(key.value())) {
            if (e.tag() == Der.CONTEXT_0) {
                Der.Element curve = Der.read(e.value());
                if (curve.tag() != Der.OID) {
                    throw new IllegalArgumentException("the EC key's curve is not a named curve");
                }
                return Der.sequence(Der.integerZero(), Der.sequence(Der.EC_PUBLIC_KEY, curve.encoded()),
                        Der.octetString(sec1));
            }
        }
        throw new IllegalArgumentException("the EC key does not name its curve; write it with openssl pkey");
    }

    /** The JDK key factory name for a PKCS#8 PrivateKeyInfo: from its AlgorithmIdentifier. */
    private static String algorithmOf(byte[] pkcs8) {
        Der.Element info = Der.read(pkcs8);
        List<Der.Element> parts = info.tag() == Der.SEQUENCE ? Der.readAll(info.value()) : List.of();
        if (parts.size() < 3 || parts.get(1).tag() != Der.SEQUENCE) {
            throw new IllegalArgumentException("not a PKCS#8 private key");
        }
        List<Der.Element> algorithm = Der.readAll(parts.get(1).value());
        if (algorithm.isEmpty() || algorithm.getFirst().tag() != Der.OID) {
            throw new IllegalArgumentException("not a PKCS#8 private key");
        }
        String oid = Der.oidText(algorithm.getFirst().value());
        String name = KEY_ALGORITHMS.get(oid);
        if (name == null) {
            throw new IllegalArgumentException("key algorithm " + oid + " is not supported; use an RSA or EC key");
        }
        return name;
    }

    private static List<Block> blocks(Path file) throws PemException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new PemException(file + ": file not found", e);
        } catch (IOException e) {
            throw new PemException(file + ": cannot read: " + e.getMessage(), e);
        }
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            boolean encrypted = false;
            StringBuilder base64 = new StringBuilder();
            for (String line : body.split("\\R")) {
                if (line.contains(":")) {
                    // RFC 1421 headers, e.g. Proc-Type: 4,ENCRYPTED and DEK-Info of an encrypted PKCS#1 key.
                    encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
                } else {
                    base64.append(line.strip());
                }
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(base64.toString());
            } catch (IllegalArgumentException e) {
                throw new PemException(file + ": the " + m.group(1) + " block is not valid base64: " + e.getMessage(),
                        e);
            }
            out.add(new Block(m.group(1), encrypted, der));
        }
        return out;
    }
}
