package io.blip.sink.otlp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sink's TLS files ({@code ca}, {@code cert}, {@code key}), read and checked at boot and handed to
 * the exporter as the PEM it reads.
 *
 * <p>Why not pass the files on as they are: the OpenTelemetry exporter reads a key only when the file
 * is one PKCS#8 block ({@code BEGIN PRIVATE KEY}), and fails with "Are they valid X.509 in PEM
 * format?" otherwise; a key that is not the certificate's, or a file that is not PEM, only shows at
 * the first handshake, as a connection closed for no stated reason. People have PKCS#1 keys
 * ({@code BEGIN RSA PRIVATE KEY}, cert-manager's default for RSA) and SEC1 keys ({@code BEGIN EC
 * PRIVATE KEY}, after an {@code EC PARAMETERS} block from {@code openssl ecparam -genkey}), so those
 * are wrapped into PKCS#8 here; the JDK does the rest. The sink may use only blip-api and
 * OpenTelemetry, so this is a small copy of what blip-runtime does for MySQL's TLS files.
 *
 * <p>Messages name the file and say how to fix it; they never hold key material.
 */
final class TlsFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R?(.*?)-----END \\1-----", Pattern.DOTALL);
    /** rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters: PKCS#1's AlgorithmIdentifier in PKCS#8. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0D, 0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** id-ecPublicKey (1.2.840.10045.2.1), the whole TLV; SEC1's curve follows it in PKCS#8. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};

    private TlsFiles() {
    }

    /** A TLS file that cannot be used; the message names the file and what to do. */
    static final class BadFile extends Exception {
        BadFile(String message) {
            super(message);
        }

        BadFile(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One PEM block: its type, whether RFC 1421 headers say it is encrypted, and its DER. */
    private record Block(String type, boolean encrypted, byte[] der) {
    }

    /** The certificates of a {@code ca} or {@code cert} file as PEM, for the exporter. */
    static byte[] certificatesPem(String file) throws BadFile {
        var pem = new StringBuilder();
        for (X509Certificate c : certificates(file)) {
            try {
                pem.append(pem("CERTIFICATE", c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new BadFile("certificate in '" + file + "' cannot be encoded: " + e.getMessage(), e);
            }
        }
        return pem.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The private key of a {@code key} file as one PKCS#8 PEM block, the one form the exporter reads. */
    static byte[] privateKeyPem(String file) throws BadFile {
        return pem("PRIVATE KEY", privateKey(file).getEncoded()).getBytes(StandardCharsets.US_ASCII);
    }

    /** The certificates in the file, in file order (a chain: the leaf first); at least one. */
    static List<X509Certificate> certificates(String file) throws BadFile {
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Block b : blocks(file)) {
            if (b.type().equals("CERTIFICATE")) {
                try {
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                } catch (CertificateException e) {
                    throw new BadFile("certificate " + (out.size() + 1) + " in '" + file + "' is not valid ("
                            + e.getMessage() + "); give the PEM certificate as the CA issued it", e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new BadFile("no certificate in '" + file + "'; it must be PEM (-----BEGIN CERTIFICATE-----); "
                    + "a DER file converts with openssl x509 -inform der -in " + file + " -out <new file>");
        }
        return List.copyOf(out);
    }

    /** The first private key in the file: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), unencrypted; RSA or EC. */
    static PrivateKey privateKey(String file) throws BadFile {
        for (Block b : blocks(file)) {
            switch (b.type()) {
                case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
                    if (b.encrypted()) {
                        throw encrypted(file);
                    }
                    return key(file, b);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw encrypted(file);
                case "OPENSSH PRIVATE KEY" -> throw new BadFile("'" + file + "' is an OpenSSH key, not a TLS key; "
                        + "give the PEM private key of the certificate (-----BEGIN PRIVATE KEY-----)");
                default -> {
                    // Certificates or EC PARAMETERS beside the key: not ours to read here.
                }
            }
        }
        throw new BadFile("no private key in '" + file + "'; it must be PEM (-----BEGIN PRIVATE KEY-----)");
    }

    /**
     * Whether {@code key} is the private key of {@code certificate}: the same RSA modulus, or for EC a
     * signature made with the key that the certificate's public key verifies.
     */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        if (key instanceof RSAKey rsa) {
            return certificate.getPublicKey() instanceof RSAKey p && rsa.getModulus().equals(p.getModulus());
        }
        try {
            byte[] probe = "blip otlp key check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance("SHA256withECDSA");
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance("SHA256withECDSA");
            verify.initVerify(certificate.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            // E.g. an EC key beside an RSA certificate.
            return false;
        }
    }

    private static BadFile encrypted(String file) {
        return new BadFile("the private key in '" + file + "' is encrypted, and the OTLP exporter reads unencrypted "
                + "keys only; decrypt it into a file only Blip can read: openssl pkey -in " + file + " -out <new file>");
    }

    private static PrivateKey key(String file, Block b) throws BadFile {
        String fix = "; write it as PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out <new file>";
        byte[] pkcs8;
        try {
            pkcs8 = switch (b.type()) {
                case "RSA PRIVATE KEY" -> sequence(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, tlv(0x04, b.der()));
                case "EC PRIVATE KEY" -> fromSec1(b.der());
                default -> b.der();
            };
        } catch (IllegalArgumentException e) {
            throw new BadFile("the private key in '" + file + "' is not valid (" + e.getMessage() + ")" + fix, e);
        }
        GeneralSecurityException last = null;
        // The exporter reads RSA and EC keys only; which one this is shows by which factory takes it.
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new BadFile("the private key in '" + file + "' is not an RSA or EC key the JDK can read ("
                + last.getMessage() + "); the OTLP exporter takes RSA or EC keys" + fix, last);
    }

    /**
     * SEC1 ECPrivateKey to PKCS#8 PrivateKeyInfo { 0, { id-ecPublicKey, curve }, OCTET STRING key }. The
     * curve is the key's {@code [0]} field, which OpenSSL always writes for a named curve.
     */
    private static byte[] fromSec1(byte[] sec1) {
        List<byte[]> top = elements(sec1);
        if (top.size() != 1 || (top.getFirst()[0] & 0xFF) != 0x30) {
            throw new IllegalArgumentException("an EC private key is one DER SEQUENCE");
        }
        for (byte[] field : elements(value(top.getFirst()))) {
            if ((field[0] & 0xFF) == 0xA0) {
                byte[] curve = value(field);
                if (curve.length == 0 || curve[0] != 0x06) {
                    throw new IllegalArgumentException("the EC key's curve is not a named curve");
                }
                return sequence(new byte[] {0x02, 0x01, 0x00}, sequence(EC_PUBLIC_KEY, curve), tlv(0x04, sec1));
            }
        }
        throw new IllegalArgumentException("the EC key does not name its curve");
    }

    /** The DER elements one after the other in {@code der}, each whole (tag, length, value). */
    private static List<byte[]> elements(byte[] der) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < der.length) {
            int start = i;
            i++;
            if (i >= der.length) {
                throw new IllegalArgumentException("DER ends inside an element");
            }
            int length = der[i++] & 0xFF;
            if (length >= 0x80) {
                int bytes = length & 0x7F;
                if (bytes == 0 || bytes > 3 || i + bytes > der.length) {
                    throw new IllegalArgumentException("bad DER length");
                }
                length = 0;
                for (int b = 0; b < bytes; b++) {
                    length = length << 8 | der[i++] & 0xFF;
                }
            }
            if (length > der.length - i) {
                throw new IllegalArgumentException("DER element longer than its data");
            }
            i += length;
            out.add(Arrays.copyOfRange(der, start, i));
        }
        return out;
    }

    /** The value of one whole DER element. */
    private static byte[] value(byte[] element) {
        int lengthByte = element[1] & 0xFF;
        int header = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7F);
        return Arrays.copyOfRange(element, header, element.length);
    }

    private static byte[] sequence(byte[]... parts) {
        var content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(0x30, content.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        var out = new ByteArrayOutputStream(value.length + 5);
        out.write(tag);
        int n = value.length;
        if (n >= 0x10000) {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
        } else if (n >= 0x100) {
            out.write(0x82);
            out.write(n >> 8);
        } else if (n >= 0x80) {
            out.write(0x81);
        }
        out.write(n);
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static List<Block> blocks(String file) throws BadFile {
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
                throw new BadFile("the " + m.group(1) + " block in '" + file + "' is not valid base64; "
                        + "the file is damaged, copy it again from where it was made", e);
            }
        }
        return out;
    }

    private static String read(String file) throws BadFile {
        Path path = Path.of(file);
        try {
            if (Files.isDirectory(path)) {
                throw new BadFile("'" + file + "' is a directory; give the PEM file in it");
            }
            return Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new BadFile("'" + file + "' does not exist" + (path.isAbsolute() ? ""
                    : " (a relative path is from the working directory, " + Path.of("").toAbsolutePath() + ")"), e);
        } catch (AccessDeniedException e) {
            throw new BadFile("cannot read '" + file + "': permission denied; let the user Blip runs as read it", e);
        } catch (IOException e) {
            throw new BadFile("cannot read '" + file + "': " + e.getMessage(), e);
        }
    }
}
