package io.blip.runtime.api;

import io.blip.api.BlipException;
import io.blip.api.tls.Pem;
import io.blip.api.tls.PemException;
import io.blip.runtime.config.ApiConfig;

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

/** The API's server-side TLS from {@code api.tls.*}, read with the one PEM reader. */
final class ApiTls {
    /** The key store lives in memory only; PKCS12 wants a password all the same. */
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private ApiTls() {
    }

    /**
     * The SSL context for {@code api.tls.cert}/{@code key}, trusting {@code api.tls.ca} for client
     * certificates when it is set.
     *
     * @throws BlipException naming the key and file when a file is not PEM, the key does not match
     *                       the certificate, or the JDK refuses them
     */
    static SSLContext context(ApiConfig api) {
        List<X509Certificate> chain = certificates("api.tls.cert", api.tlsCert());
        PrivateKey key;
        try {
            key = Pem.privateKey(Path.of(api.tlsKey()));
        } catch (PemException e) {
            throw new BlipException("api.tls.key: " + api.tlsKey() + ": " + e.getMessage(), e);
        }
        if (!Pem.matches(key, chain.getFirst())) {
            throw new BlipException("api.tls.key: " + api.tlsKey()
                    + " is not the key of the certificate in api.tls.cert (" + api.tlsCert() + ", " + chain.getFirst().getSubjectX500Principal().getName() + ")");
        }
        try {
            KeyStore keys = emptyStore();
            keys.setKeyEntry("api", key, IN_MEMORY, chain.toArray(X509Certificate[]::new));
            var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, IN_MEMORY);
            TrustManagerFactory trust = null;
            if (!api.tlsCa().isEmpty()) {
                KeyStore cas = emptyStore();
                int i = 0;
                for (X509Certificate ca : certificates("api.tls.ca", api.tlsCa())) {
                    cas.setCertificateEntry("ca-" + i++, ca);
                }
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(cas);
            }
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keyManagers.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new BlipException("api.tls: cannot serve TLS with " + api.tlsCert() + " and " + api.tlsKey() + ": "
                    + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(String key, String file) {
        try {
            return Pem.certificates(Path.of(file));
        } catch (PemException e) {
            throw new BlipException(key + ": " + file + ": " + e.getMessage(), e);
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
