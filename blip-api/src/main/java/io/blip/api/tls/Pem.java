package io.blip.api.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of PEM files in Blip, for the runtime and for plugins alike: certificates and private
 * keys as people have them, in memory. Certificate chains ({@code BEGIN CERTIFICATE}, any number, other
 * blocks ignored) and unencrypted private keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}) form. The JDK reads PKCS#8
 * only, so PKCS#1 and SEC1 keys are wrapped into PKCS#8 here; nothing is written to disk and no
 * keystore is needed. A library that reads PEM itself and PKCS#8 only (the OpenTelemetry exporter)
 * gets the files as PEM it reads from {@link #certificatesPem(Path)} and {@link #privateKeyPem(Path)}.
 *
 * <p>A path is read as it is given (a relative one from the working directory). A file that cannot
 * be used is a {@link PemException} whose message names the file and says how to fix it; no message
 * holds key material.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R?(.*?)-----END \\1-----", Pattern.DOTALL);

    /** PKCS#8 algorithm OIDs (dotted) and the JDK's names for their key factories. */
    private static final Map<String, String> KEY_ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    private Pem() {
    }

    /** One {@code -----BEGIN type-----} block: its type, whether RFC 1421 headers say it is encrypted, its DER. */
    private record Block(String type, boolean encrypted, byte[] der) {
    }

    /**
     * The certificates in the file, in file order (a chain: the leaf first); at least one.
     *
     * @throws PemException when the file cannot be read, holds no certificate, or one is not valid
     */
    public static List<X509Certificate> certificates(Path file) throws PemException {
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Block b : blocks(file)) {
            if (!b.type().equals("CERTIFICATE")) {
                continue;
            }
            try {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException e) {
                throw new PemException("certificate " + (out.size() + 1) + " in '" + file + "' is not valid ("
                        + e.getMessage() + "); give the PEM certificate as the CA issued it", e);
            }
        }
        if (out.isEmpty()) {
            throw new PemException("no certificate in '" + file + "'; it must be PEM (-----BEGIN CERTIFICATE-----); "
                    + "a DER file converts with openssl x509 -inform der -in " + file + " -out <new file>");
        }
        return List.copyOf(out);
    }

    /**
     * The first private key in the file: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), unencrypted; RSA or EC (or
     * RSASSA-PSS, Ed25519, Ed448 in PKCS#8, which the JDK reads too).
     *
     * @throws PemException when the file cannot be read, holds no private key, or the first one is
     *                      encrypted, of a kind not supported, or not valid
     */
    public static PrivateKey privateKey(Path file) throws PemException {
        for (Block b : blocks(file)) {
            switch (b.type()) {
                case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
                    if (b.encrypted()) {
                        throw encrypted(file);
                    }
                    return key(file, b);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw encrypted(file);
                case "OPENSSH PRIVATE KEY" -> throw new PemException("'" + file + "' is an OpenSSH key, not a TLS key;"
                        + " give the PEM private key of the certificate (-----BEGIN PRIVATE KEY-----)");
                case "DSA PRIVATE KEY" -> throw new PemException("the private key in '" + file + "' is a DSA key,"
                        + " which is not supported; use an RSA or EC key (-----BEGIN PRIVATE KEY-----)");
                default -> {
                    // Certificates or EC PARAMETERS beside the key: not ours to read here.
                }
            }
        }
        throw new PemException("no private key in '" + file + "'; it must be PEM (-----BEGIN PRIVATE KEY-----)");
    }

    /**
     * The certificates in the file ({@link #certificates(Path)}) as PEM again, {@code CERTIFICATE} blocks
     * only, in file order: for a library that reads PEM itself but not the text around the blocks.
     */
    public static byte[] certificatesPem(Path file) throws PemException {
        var pem = new StringBuilder();
        List<X509Certificate> certificates = certificates(file);
        for (int i = 0; i < certificates.size(); i++) {
            try {
                pem.append(pem("CERTIFICATE", certificates.get(i).getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new PemException("certificate " + (i + 1) + " in '" + file + "' cannot be encoded: "
                        + e.getMessage(), e);
            }
        }
        return pem.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The private key in the file ({@link #privateKey(Path)}) as one PKCS#8 {@code PRIVATE KEY} block,
     * whatever form the file has it in: for a library that reads PKCS#8 only.
     */
    public static byte[] privateKeyPem(Path file) throws PemException {
        return pem("PRIVATE KEY", privateKey(file).getEncoded()).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether {@code key} is the private key of {@code certificate}: the same RSA modulus, or for EC and
     * EdDSA a signature made with the key that the certificate's public key verifies.
     */
    public static boolean matches(PrivateKey key, X509Certificate certificate) {
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
        return new PemException("the private key in '" + file + "' is encrypted, and Blip reads unencrypted keys"
                + " only; decrypt it into a file only Blip can read: openssl pkey -in " + file + " -out <new file>");
    }

    private static PrivateKey key(Path file, Block b) throws PemException {
        try {
            byte[] pkcs8 = switch (b.type()) {
                case "RSA PRIVATE KEY" -> fromPkcs1(b.der());
                case "EC PRIVATE KEY" -> fromSec1(b.der());
                default -> b.der();
            };
            String oid = algorithmOf(pkcs8);
            String algorithm = KEY_ALGORITHMS.get(oid);
            if (algorithm == null) {
                throw new PemException("the private key in '" + file + "' has key algorithm " + oid
                        + ", which is not supported; use an RSA or EC key");
            }
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // The JDK's messages about a key say what is wrong with its structure, not what is in it.
            throw new PemException("the private key in '" + file + "' is not valid (" + e.getMessage() + ");"
                    + " write it as PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out <new file>", e);
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
        throw new IllegalArgumentException("the EC key does not name its curve");
    }

    /** The algorithm OID (dotted) of a PKCS#8 PrivateKeyInfo, from its AlgorithmIdentifier. */
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
        return Der.oidText(algorithm.getFirst().value());
    }

    private static List<Block> blocks(Path file) throws PemException {
        String text = read(file);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            boolean encrypted = false;
            var base64 = new StringBuilder();
            for (String line : m.group(2).split("\\R")) {
                if (line.contains(":")) {
                    // RFC 1421 headers: Proc-Type: 4,ENCRYPTED and DEK-Info of an encrypted PKCS#1 or SEC1 key.
                    encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
                } else {
                    base64.append(line.strip());
                }
            }
            try {
                out.add(new Block(m.group(1), encrypted, Base64.getDecoder().decode(base64.toString())));
            } catch (IllegalArgumentException e) {
                throw new PemException("the " + m.group(1) + " block in '" + file + "' is not valid base64; "
                        + "the file is damaged, copy it again from where it was made", e);
            }
        }
        return out;
    }

    private static String read(Path file) throws PemException {
        try {
            if (Files.isDirectory(file)) {
                throw new PemException("'" + file + "' is a directory; give the PEM file in it");
            }
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new PemException("'" + file + "' does not exist" + (file.isAbsolute() ? ""
                    : " (a relative path is from the working directory, " + Path.of("").toAbsolutePath() + ")"), e);
        } catch (AccessDeniedException e) {
            throw new PemException("cannot read '" + file + "': permission denied; let the user Blip runs as read it",
                    e);
        } catch (IOException e) {
            throw new PemException("cannot read '" + file + "': " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
