package io.blip.runtime.http;

import io.blip.api.BlipException;
import io.blip.api.tls.Pem;
import io.blip.api.tls.PemException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A listener's server-side TLS from PEM files (the one PEM reader): a certificate chain, its key, and
 * optionally the CAs that client certificates must chain to. For the API ({@code api.tls.*}) and the
 * exporter listeners' web config ({@code tls_server_config}).
 */
public final class ServerTls {
    /** The key store lives in memory only; PKCS12 wants a password all the same. */
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    /** A PEM file and the key that names it, for messages. */
    public record File(String key, String path) {
    }

    private ServerTls() {
    }

    /**
     * The SSL context for {@code cert} and {@code key}, trusting {@code ca} (null for none) for client
     * certificates.
     *
     * @throws BlipException naming the key and file when a file is not PEM, the key does not match the
     *                       certificate, or the JDK refuses them
     */
    public static SSLContext context(File cert, File key, File ca) {
        List<X509Certificate> chain = certificates(cert);
        PrivateKey privateKey;
        try {
            privateKey = Pem.privateKey(Path.of(key.path()));
        } catch (PemException e) {
            throw new BlipException(key.key() + ": " + key.path() + ": " + e.getMessage(), e);
        }
        if (!Pem.matches(privateKey, chain.getFirst())) {
            throw new BlipException(key.key() + ": " + key.path() + " is not the key of the certificate in "
                    + cert.key() + " (" + cert.path() + ", " + chain.getFirst().getSubjectX500Principal().getName()
                    + ")");
        }
        try {
            KeyStore keys = emptyStore();
            keys.setKeyEntry("server", privateKey, IN_MEMORY, chain.toArray(X509Certificate[]::new));
            var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, IN_MEMORY);
            TrustManagerFactory trust = null;
            if (ca != null) {
                KeyStore cas = emptyStore();
                int i = 0;
                for (X509Certificate c : certificates(ca)) {
                    cas.setCertificateEntry("ca-" + i++, c);
                }
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(cas);
            }
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keyManagers.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new BlipException(cert.key() + ": cannot serve TLS with " + cert.path() + " and " + key.path()
                    + ": " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(File file) {
        try {
            return Pem.certificates(Path.of(file.path()));
        } catch (PemException e) {
            throw new BlipException(file.key() + ": " + file.path() + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("an empty in-memory keystore cannot fail to load", e);
        }
        return store;
    }
}
