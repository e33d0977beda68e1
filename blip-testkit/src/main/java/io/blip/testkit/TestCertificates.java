package io.blip.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time, written as PEM files the way people have them: a CA, server
 * certificates whose names the test chooses ({@code DNS:mysql.test}, {@code IP:127.0.0.1}),
 * client certificates, intermediates, expired ones; RSA or EC keys, in PKCS#8
 * ({@code BEGIN PRIVATE KEY}) or the traditional OpenSSL form (PKCS#1 {@code BEGIN RSA PRIVATE KEY},
 * SEC1 {@code BEGIN EC PRIVATE KEY}).
 *
 * <p>BouncyCastle builds and writes them; it is used by tests only (blip-runtime reads PEM with the
 * JDK alone). No provider is registered globally.
 *
 * <pre>{@code
 * Authority ca = TestCertificates.authority("Test CA");
 * Issued server = ca.leaf("mysql.test").dns("mysql.test").serverAuth().issue();
 * server.writeChain(dir.resolve("server.pem"));
 * server.writeKey(dir.resolve("server-key.pem"), KeyFormat.TRADITIONAL);
 * }</pre>
 */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The key algorithm: RSA 2048 or EC P-256. */
    public enum Algorithm {
        RSA, EC
    }

    /** How a private key is written. */
    public enum KeyFormat {
        /** {@code -----BEGIN PRIVATE KEY-----} */
        PKCS8,
        /** PKCS#1 {@code -----BEGIN RSA PRIVATE KEY-----} or SEC1 {@code -----BEGIN EC PRIVATE KEY-----} */
        TRADITIONAL
    }

    private TestCertificates() {
    }

    /** A new self-signed root CA with an RSA key. */
    public static Authority authority(String commonName) {
        return authority(commonName, Algorithm.RSA);
    }

    /** A new self-signed root CA. */
    public static Authority authority(String commonName, Algorithm algorithm) {
        KeyPair keys = keyPair(algorithm);
        Instant now = Instant.now();
        X500Name name = name(commonName);
        X509Certificate cert = build(name, keys.getPublic(), name, keys.getPrivate(), algorithm,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)), true, List.of(), false, false, null);
        return new Authority(name, cert, keys.getPrivate(), algorithm, List.of());
    }

    /** A CA: it issues leaf certificates and intermediate CAs. */
    public static final class Authority {
        private final X500Name name;
        private final X509Certificate certificate;
        private final PrivateKey key;
        private final Algorithm algorithm;
        private final List<X509Certificate> above;

        private Authority(X500Name name, X509Certificate certificate, PrivateKey key, Algorithm algorithm,
                          List<X509Certificate> above) {
            this.name = name;
            this.certificate = certificate;
            this.key = key;
            this.algorithm = algorithm;
            this.above = List.copyOf(above);
        }

        public X509Certificate certificate() {
            return certificate;
        }

        /** This CA's own certificate and key, as a server with a self-signed certificate presents them. */
        public Issued selfSigned() {
            return new Issued(certificate, key, List.of(certificate));
        }

        /** Writes this CA's certificate (PEM) and returns the file. */
        public Path writeCertificate(Path file) {
            return writePem(file, List.of(certificate));
        }

        /** An SSL context for a test's HTTPS client: trusts this CA, presents {@code client} when not null. */
        public SSLContext clientContext(Issued client) {
            try {
                char[] password = "in-memory".toCharArray();
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("ca", certificate);
                var trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(trust);
                KeyManagerFactory keyManagers = null;
                if (client != null) {
                    KeyStore keys = KeyStore.getInstance("PKCS12");
                    keys.load(null, null);
                    keys.setKeyEntry("client", client.key(), password, client.chain().toArray(X509Certificate[]::new));
                    keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    keyManagers.init(keys, password);
                }
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(),
                        null);
                return ssl;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("an in-memory SSL context for a test client", e);
            }
        }

        /** An intermediate CA signed by this one. */
        public Authority intermediate(String commonName) {
            KeyPair keys = keyPair(algorithm);
            Instant now = Instant.now();
            X500Name subject = name(commonName);
            X509Certificate cert = build(subject, keys.getPublic(), name, key, algorithm, now.minus(Duration.ofDays(1)),
                    now.plus(Duration.ofDays(3650)), true, List.of(), false, false, certificate);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(above);
            return new Authority(subject, cert, keys.getPrivate(), algorithm, chain);
        }

        /** Starts a leaf certificate for {@code commonName}, signed by this CA. */
        public Leaf leaf(String commonName) {
            return new Leaf(this, commonName);
        }

        /** A server certificate (RSA) with the given names, e.g. {@code DNS:mysql.test}, {@code IP:127.0.0.1}. */
        public Issued server(String commonName, String... subjectAltNames) {
            return leaf(commonName).subjectAltNames(subjectAltNames).serverAuth().issue();
        }

        /** A client certificate (RSA) for {@code commonName}. */
        public Issued client(String commonName) {
            return leaf(commonName).clientAuth().issue();
        }
    }

    /** A leaf certificate being specified; {@link #issue()} makes it. */
    public static final class Leaf {
        private final Authority issuer;
        private final String commonName;
        private final List<String> subjectAltNames = new ArrayList<>();
        private Algorithm algorithm = Algorithm.RSA;
        private boolean serverAuth;
        private boolean clientAuth;
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(365));

        private Leaf(Authority issuer, String commonName) {
            this.issuer = issuer;
            this.commonName = commonName;
        }

        /** Subject alternative names: {@code DNS:name} or {@code IP:address}. */
        public Leaf subjectAltNames(String... names) {
            subjectAltNames.addAll(List.of(names));
            return this;
        }

        public Leaf dns(String name) {
            return subjectAltNames("DNS:" + name);
        }

        public Leaf ip(String address) {
            return subjectAltNames("IP:" + address);
        }

        public Leaf algorithm(Algorithm a) {
            algorithm = a;
            return this;
        }

        public Leaf serverAuth() {
            serverAuth = true;
            return this;
        }

        public Leaf clientAuth() {
            clientAuth = true;
            return this;
        }

        /** Valid from two years ago until yesterday. */
        public Leaf expired() {
            notBefore = Instant.now().minus(Duration.ofDays(730));
            notAfter = Instant.now().minus(Duration.ofDays(1));
            return this;
        }

        public Issued issue() {
            KeyPair keys = keyPair(algorithm);
            X509Certificate cert = build(name(commonName), keys.getPublic(), issuer.name, issuer.key, issuer.algorithm,
                    notBefore, notAfter, false, subjectAltNames, serverAuth, clientAuth, issuer.certificate);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(cert);
            if (!issuer.above.isEmpty()) {
                // An intermediate: the chain a server or client sends is leaf, then intermediates (not the root).
                chain.add(issuer.certificate);
                chain.addAll(issuer.above.subList(0, issuer.above.size() - 1));
            }
            return new Issued(cert, keys.getPrivate(), chain);
        }
    }

    /**
     * An issued certificate and its key.
     *
     * @param certificate the leaf
     * @param key         its private key
     * @param chain       the leaf, then any intermediates up to (not including) the root
     */
    public record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {
        public Issued {
            chain = List.copyOf(chain);
        }

        /** Writes the leaf certificate alone. */
        public Path writeCertificate(Path file) {
            return writePem(file, List.of(certificate));
        }

        /** Writes the leaf and its intermediates, leaf first. */
        public Path writeChain(Path file) {
            return writePem(file, chain);
        }

        /** Writes the private key, unencrypted, in the given form. */
        public Path writeKey(Path file, KeyFormat format) {
            try {
                if (format == KeyFormat.PKCS8) {
                    return writePem(file, List.of(new JcaPKCS8Generator(key, null)));
                }
                return writePem(file, List.of("EC".equals(key.getAlgorithm()) ? sec1() : key));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * SEC1 as {@code openssl ec} writes it: with the named curve ({@code [0]}) and the public key
         * ({@code [1]}). The JDK's encoding inside PKCS#8 has neither.
         */
        private PemObject sec1() throws IOException {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
            ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
            SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
            int orderBits = ((java.security.interfaces.ECPrivateKey) key).getParams().getOrder().bitLength();
            ECPrivateKey full = new ECPrivateKey(orderBits, inner.getKey(), publicKey.getPublicKeyData(), curve);
            return new PemObject("EC PRIVATE KEY", full.getEncoded());
        }

        /** Writes the private key as an encrypted PKCS#8 file ({@code BEGIN ENCRYPTED PRIVATE KEY}). */
        public Path writeEncryptedKey(Path file, String password) {
            try {
                // A provider instance, not a registered one: tests leave the JVM's providers as they are.
                var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                        .setProvider(new BouncyCastleProvider()).setPassword(password.toCharArray())
                        .setRandom(RANDOM).build();
                return writePem(file, List.of(new JcaPKCS8Generator(key, encryptor)));
            } catch (OperatorCreationException | IOException e) {
                throw new IllegalStateException("cannot encrypt the key: " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "Issued[" + certificate.getSubjectX500Principal() + "]";
        }
    }

    /** Writes objects (certificates, keys, PEM generators) as PEM to {@code file}, replacing it; returns it. */
    public static Path writePem(Path file, List<?> objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (Object o : objects) {
                pem.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static KeyPair keyPair(Algorithm algorithm) {
        try {
            if (algorithm == Algorithm.EC) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a " + algorithm + " key: " + e.getMessage(), e);
        }
    }

    /** {@code CN=<name>, O=Blip tests}, encoded most significant first as CAs do (O, then CN). */
    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Blip tests").addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static X509Certificate build(X500Name subject, PublicKey subjectKey, X500Name issuer, PrivateKey issuerKey,
                                         Algorithm issuerAlgorithm, Instant notBefore, Instant notAfter, boolean ca,
                                         List<String> subjectAltNames, boolean serverAuth, boolean clientAuth,
                                         X509Certificate issuerCert) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKey);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false,
                        ext.createAuthorityKeyIdentifier(issuerCert.getPublicKey()));
            }
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                int usage = KeyUsage.digitalSignature
                        | ("RSA".equals(subjectKey.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
                b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                List<KeyPurposeId> purposes = new ArrayList<>();
                if (serverAuth) {
                    purposes.add(KeyPurposeId.id_kp_serverAuth);
                }
                if (clientAuth) {
                    purposes.add(KeyPurposeId.id_kp_clientAuth);
                }
                if (!purposes.isEmpty()) {
                    b.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
                }
            }
            if (!subjectAltNames.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, generalNames(subjectAltNames));
            }
            String signature = issuerAlgorithm == Algorithm.EC ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(signature).build(issuerKey)));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make certificate " + subject + ": " + e.getMessage(), e);
        }
    }

    private static GeneralNames generalNames(List<String> names) {
        List<GeneralName> out = new ArrayList<>();
        for (String n : names) {
            if (n.startsWith("DNS:")) {
                out.add(new GeneralName(GeneralName.dNSName, n.substring(4)));
            } else if (n.startsWith("IP:")) {
                out.add(new GeneralName(GeneralName.iPAddress, ipLiteral(n.substring(3))));
            } else {
                throw new IllegalArgumentException("subject alt name " + n + ": use DNS:name or IP:address");
            }
        }
        return new GeneralNames(out.toArray(GeneralName[]::new));
    }

    private static String ipLiteral(String address) {
        try {
            // Only literals: getByName does no lookup for them.
            return InetAddress.getByName(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + address, e);
        }
    }
}
