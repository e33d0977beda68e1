package io.blip.runtime.tls;

import io.blip.api.BlipException;
import io.blip.api.time.Time;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of a connection, built in memory from {@link TlsSettings}: turns a connected TCP
 * socket into a TLS socket after MySQL's plain greeting, and checks the server as the mode says —
 * nothing (PREFERRED, REQUIRED), the CA chain (VERIFY_CA), or the CA chain and the name
 * (VERIFY_IDENTITY, against {@code server-name} or the host). A refusal names the certificate,
 * what was expected and where the trusted CAs come from; whether a certificate has expired is read
 * on the monitor's {@link Time}.
 */
public final class TlsClient {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Map<String, Integer> VERSIONS = Map.of(
            "TLSv1", 1, "TLSv1.1", 2, "TLSv1.2", 3, "TLSv1.3", 4);

    private final TlsSettings settings;
    private final Time time;
    /** The JDK's TLS, with the protocols the settings allow; made once, when first needed. Guarded by this. */
    private Context context;

    private record Context(SSLContext ssl, String[] protocols) {
    }

    private TlsClient(TlsSettings settings, Time time) {
        this.settings = settings;
        this.time = time;
    }

    /**
     * A client of these settings. The SSL context is built now when the settings name something the
     * JDK might refuse (trusted CAs, a client certificate, a minimum version), so that boot reports
     * it; otherwise (PREFERRED or REQUIRED alone) at the first handshake, which a server without TLS
     * never asks for.
     *
     * @throws BlipException naming the setting the JDK cannot honour
     */
    public static TlsClient of(TlsSettings settings, Time time) {
        if (settings.mode() == TlsMode.DISABLED) {
            throw new IllegalArgumentException("no TLS client for ssl-mode DISABLED");
        }
        var client = new TlsClient(settings, time);
        if (settings.mode().verifiesCa() || settings.client() != null || !settings.minVersion().isEmpty()) {
            client.context();
        }
        return client;
    }

    private synchronized Context context() {
        if (context == null) {
            try {
                SSLContext ssl = SSLContext.getInstance("TLS");
                KeyManager[] keys = settings.client() == null ? null
                        : new KeyManager[] {new ClientKeyManager(settings.client())};
                ssl.init(keys, new TrustManager[] {trustManager(settings, time)}, null);
                context = new Context(ssl, protocols(settings, ssl));
            } catch (GeneralSecurityException e) {
                throw new BlipException(settings.source() + ": cannot set up TLS: " + e.getMessage(), e);
            }
        }
        return context;
    }

    public TlsSettings settings() {
        return settings;
    }

    /**
     * Performs the TLS handshake over {@code raw}, connected to {@code host:port}.
     *
     * @throws TlsHandshakeException when the handshake fails or the server is refused; its message
     *                               says why, for the monitor's error
     */
    public SSLSocket handshake(Socket raw, String host, int port) throws IOException {
        String name = settings.serverName().isEmpty() ? host : settings.serverName();
        Context tls = context();
        SSLSocket socket = (SSLSocket) tls.ssl().getSocketFactory().createSocket(raw, name, port, true);
        SSLParameters params = socket.getSSLParameters();
        params.setProtocols(tls.protocols());
        if (settings.mode() == TlsMode.VERIFY_IDENTITY) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!isIpLiteral(name)) {
            try {
                params.setServerNames(List.of(new SNIHostName(name)));
            } catch (IllegalArgumentException e) {
                // Not a name SNI can carry (e.g. a bare host name with an underscore): send none.
                params.setServerNames(List.of());
            }
        }
        socket.setSSLParameters(params);
        try {
            socket.startHandshake();
        } catch (SSLException e) {
            throw failure(e, host, port, name);
        }
        return socket;
    }

    private TlsHandshakeException failure(SSLException e, String host, int port, String name) {
        String with = "TLS handshake with " + host + ":" + port;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Refusal r) {
                return new TlsHandshakeException(with + " refused: " + r.explain(name, settings), e);
            }
        }
        return new TlsHandshakeException(with + " failed (" + settings.mode() + ", " + settings.source() + "): "
                + e.getMessage(), e);
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || IPV4.matcher(host).matches();
    }

    private static String[] protocols(TlsSettings settings, SSLContext context) {
        String[] defaults = context.getDefaultSSLParameters().getProtocols();
        if (settings.minVersion().isEmpty()) {
            return defaults;
        }
        Integer min = VERSIONS.get(settings.minVersion());
        if (min == null) {
            throw new BlipException(settings.source() + ": min-version " + settings.minVersion()
                    + " is not a TLS version; use TLSv1.2 or TLSv1.3");
        }
        String[] allowed = Arrays.stream(defaults).filter(p -> VERSIONS.getOrDefault(p, 0) >= min)
                .toArray(String[]::new);
        if (allowed.length == 0) {
            throw new BlipException(settings.source() + ": min-version " + settings.minVersion() + ": this JVM"
                    + " enables only " + Arrays.toString(defaults));
        }
        return allowed;
    }

    private static X509ExtendedTrustManager trustManager(TlsSettings settings, Time time)
            throws GeneralSecurityException {
        if (!settings.mode().verifiesCa()) {
            return new TrustAll();
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (settings.trustedCas().isEmpty()) {
            factory.init((KeyStore) null);
        } else {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                store.load(null, null);
            } catch (IOException e) {
                throw new IllegalStateException("an empty in-memory keystore cannot fail to load", e);
            }
            int i = 0;
            for (X509Certificate ca : settings.trustedCas()) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            factory.init(store);
        }
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager pkix) {
                return new Verifying(pkix, time);
            }
        }
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }

    /** A refused server certificate: what is wrong with it, kept apart from how the JDK says it. */
    static final class Refusal extends CertificateException {
        enum Reason { UNTRUSTED, NAME, EXPIRED, NOT_YET_VALID }

        private final Reason reason;
        private final transient X509Certificate certificate;

        Refusal(Reason reason, X509Certificate certificate, Throwable cause) {
            super(reason.name().toLowerCase(Locale.ROOT), cause);
            this.reason = reason;
            this.certificate = certificate;
        }

        String explain(String name, TlsSettings settings) {
            String cert = "the server certificate (" + certificate.getSubjectX500Principal() + ")";
            String where = " (" + settings.mode() + ", " + settings.source() + "; CAs: " + settings.trustSource() + ")";
            return switch (reason) {
                case UNTRUSTED -> cert + ", issued by " + certificate.getIssuerX500Principal()
                        + ", is not signed by a trusted CA" + where;
                case EXPIRED -> cert + " expired on " + certificate.getNotAfter().toInstant() + where;
                case NOT_YET_VALID -> cert + " is not valid before " + certificate.getNotBefore().toInstant() + where;
                case NAME -> "the server certificate is for " + names(certificate) + ", not " + name + where
                        + "; connect by one of its names or set tls.server-name";
            };
        }
    }

    /** {@code [DNS:mysql.test, IP:10.0.0.1]}, or the subject when the certificate has no such names. */
    static List<String> names(X509Certificate certificate) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> alt = certificate.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> entry : alt) {
                    Object type = entry.get(0);
                    if (Integer.valueOf(2).equals(type)) {
                        out.add("DNS:" + entry.get(1));
                    } else if (Integer.valueOf(7).equals(type)) {
                        out.add("IP:" + entry.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // Fall back to the subject below.
        }
        if (out.isEmpty()) {
            out.add(certificate.getSubjectX500Principal().getName());
        }
        return out;
    }

    /** A trust manager for a TLS client: it never checks a client. */
    private abstract static class ClientOnly extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("Blip is a TLS client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("Blip is a TLS client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("Blip is a TLS client only");
        }
    }

    /**
     * The JDK's PKIX checks (chain, validity, and the name when the socket asks for it), with
     * failures sorted into {@link Refusal}s: a chain the CAs accept that fails only the full check
     * failed on the name.
     */
    private static final class Verifying extends ClientOnly {
        private final X509ExtendedTrustManager pkix;
        private final Time time;

        Verifying(X509ExtendedTrustManager pkix, Time time) {
            this.pkix = pkix;
            this.time = time;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, authType, () -> pkix.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, authType, () -> pkix.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType, () -> pkix.checkServerTrusted(chain, authType));
        }

        /** Runs one of the JDK's checks; a failure is a {@link Refusal} that says why. */
        private void check(X509Certificate[] chain, String authType, PkixCheck pkixCheck) throws CertificateException {
            try {
                pkixCheck.run();
            } catch (CertificateException e) {
                throw refusal(chain, authType, e);
            }
        }

        private Refusal refusal(X509Certificate[] chain, String authType, CertificateException full) {
            X509Certificate leaf = chain[0];
            try {
                pkix.checkServerTrusted(chain, authType);
            } catch (CertificateException chainFailure) {
                Instant now = time.now();
                if (now.isAfter(leaf.getNotAfter().toInstant())) {
                    return new Refusal(Refusal.Reason.EXPIRED, leaf, chainFailure);
                }
                if (now.isBefore(leaf.getNotBefore().toInstant())) {
                    return new Refusal(Refusal.Reason.NOT_YET_VALID, leaf, chainFailure);
                }
                return new Refusal(Refusal.Reason.UNTRUSTED, leaf, chainFailure);
            }
            return new Refusal(Refusal.Reason.NAME, leaf, full);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }

    /** PREFERRED and REQUIRED: encryption without verification, as MySQL defines them. */
    private static final class TrustAll extends ClientOnly {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // ssl-mode PREFERRED and REQUIRED do not verify the server.
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // As above.
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // As above.
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * The one client certificate, offered whenever the server asks and the key type fits — whatever
     * CA names the server lists, as go-sql-driver and the mysql client do. The JDK's own key manager
     * would send nothing when the server's list does not name the issuer.
     */
    private static final class ClientKeyManager extends X509ExtendedKeyManager {
        private static final String ALIAS = "client";
        private final TlsSettings.ClientIdentity identity;

        ClientKeyManager(TlsSettings.ClientIdentity identity) {
            this.identity = identity;
        }

        private String aliasFor(String[] keyTypes) {
            String algorithm = identity.key().getAlgorithm();
            for (String type : keyTypes) {
                if (type.equalsIgnoreCase(algorithm) || type.startsWith(algorithm + "_")
                        || algorithm.equals("RSA") && type.equals("RSASSA-PSS")
                        || algorithm.equals("EdDSA") && type.startsWith("Ed")) {
                    return ALIAS;
                }
            }
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return aliasFor(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return aliasFor(keyTypes);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return aliasFor(new String[] {keyType}) == null ? null : new String[] {ALIAS};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? identity.chain().toArray(X509Certificate[]::new) : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? identity.key() : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** A failed or refused TLS handshake; the message is for the monitor's error. */
    public static final class TlsHandshakeException extends SSLHandshakeException {
        TlsHandshakeException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One of the JDK trust manager's checks of a server's chain. */
    @FunctionalInterface
    private interface PkixCheck {
        void run() throws CertificateException;
    }
}
