package io.blip.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.time.Time;
import io.blip.runtime.tls.TlsClient.TlsHandshakeException;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Algorithm;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real TLS handshakes against a JDK TLS server on loopback: the cases MariaDB cannot easily show
 * (intermediates, an expired certificate, a TLS version the server lacks, an EC client key).
 */
class TlsClientTest {
    private static Authority root;
    private static Authority intermediate;

    @BeforeAll
    static void makeCertificates() {
        root = TestCertificates.authority("Client Test Root");
        intermediate = root.intermediate("Client Test Intermediate");
    }

    /** A TLS server on loopback for one test: completes handshakes and remembers the client's certificates. */
    private static final class Server implements AutoCloseable {
        private final SSLServerSocket socket;
        private final BlockingQueue<List<Certificate>> clients = new LinkedBlockingQueue<>();

        Server(Issued identity, Authority clientCa, String... protocols) throws Exception {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", identity.key(), "pw".toCharArray(),
                    identity.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "pw".toCharArray());
            TrustManagerFactory tmf = null;
            if (clientCa != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("ca", clientCa.certificate());
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 5,
                    InetAddress.getLoopbackAddress());
            socket.setNeedClientAuth(clientCa != null);
            if (protocols.length > 0) {
                socket.setEnabledProtocols(protocols);
            }
            Thread.ofVirtual().start(this::serve);
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (SSLSocket s = (SSLSocket) socket.accept()) {
                    s.startHandshake();
                    clients.add(socket.getNeedClientAuth() ? List.of(s.getSession().getPeerCertificates()) : List.of());
                } catch (IOException e) {
                    // A refused handshake, or the server closing: the client side is what is tested.
                }
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        List<Certificate> nextClient() throws InterruptedException {
            return clients.poll(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static TlsSettings settings(TlsMode mode, String serverName, String minVersion,
                                        TlsSettings.ClientIdentity client) {
        return new TlsSettings(mode, List.of(root.certificate()), "test root CA", client, serverName, minVersion,
                "test settings", List.of(), List.of());
    }

    private static SSLSocket handshake(TlsSettings settings, int port) throws IOException {
        Socket raw = new Socket("127.0.0.1", port);
        raw.setSoTimeout(10_000);
        return TlsClient.of(settings, Time.system()).handshake(raw, "127.0.0.1", port);
    }

    @Test
    void aChainThroughAnIntermediateIsVerifiedUpToTheRootAndTheIpAddress() throws Exception {
        Issued server = intermediate.leaf("db").ip("127.0.0.1").dns("db.test").serverAuth().issue();
        try (Server s = new Server(server, null); SSLSocket tls = handshake(settings(TlsMode.VERIFY_IDENTITY, "", "",
                null), s.port())) {
            assertEquals(server.certificate(), tls.getSession().getPeerCertificates()[0]);
        }
    }

    @Test
    void anExpiredServerCertificateIsRefusedEvenUnderVerifyCa() throws Exception {
        Issued expired = root.leaf("old").ip("127.0.0.1").serverAuth().expired().issue();
        try (Server s = new Server(expired, null)) {
            TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
                    () -> handshake(settings(TlsMode.VERIFY_CA, "", "", null), s.port()));
            assertEquals("TLS handshake with 127.0.0.1:" + s.port() + " refused: the server certificate (CN=old,"
                    + " O=Blip tests) expired on " + expired.certificate().getNotAfter().toInstant()
                    + " (VERIFY_CA, test settings; CAs: test root CA)", e.getMessage());
            // REQUIRED encrypts without verifying anything, as MySQL defines it.
            try (SSLSocket tls = handshake(settings(TlsMode.REQUIRED, "", "", null), s.port())) {
                assertEquals(expired.certificate(), tls.getSession().getPeerCertificates()[0]);
            }
        }
    }

    @Test
    void theServerNameIsWhatTheCertificateIsCheckedAgainst() throws Exception {
        Issued server = root.server("db", "DNS:db.test");
        try (Server s = new Server(server, null)) {
            try (SSLSocket tls = handshake(settings(TlsMode.VERIFY_IDENTITY, "db.test", "", null), s.port())) {
                assertTrue(tls.getSession().isValid());
            }
            TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
                    () -> handshake(settings(TlsMode.VERIFY_IDENTITY, "other.test", "", null), s.port()));
            assertEquals("TLS handshake with 127.0.0.1:" + s.port() + " refused: the server certificate is for"
                    + " [DNS:db.test], not other.test (VERIFY_IDENTITY, test settings; CAs: test root CA); connect by"
                    + " one of its names or set tls.server-name", e.getMessage());
        }
    }

    @Test
    void anEcClientCertificateWithItsChainIsSent() throws Exception {
        Issued server = root.server("db", "IP:127.0.0.1");
        Issued client = intermediate.leaf("blip").algorithm(Algorithm.EC).clientAuth().issue();
        TlsSettings.ClientIdentity identity = new TlsSettings.ClientIdentity(client.key(), client.chain(), "test");
        try (Server s = new Server(server, root);
             SSLSocket tls = handshake(settings(TlsMode.VERIFY_IDENTITY, "", "", identity), s.port())) {
            tls.getOutputStream().flush();
            assertEquals(List.of(client.certificate(), intermediate.certificate()), s.nextClient());
        }
    }

    @Test
    void minVersionRefusesAnOlderServer() throws Exception {
        Issued server = root.server("db", "IP:127.0.0.1");
        try (Server s = new Server(server, null, "TLSv1.2")) {
            try (SSLSocket tls = handshake(settings(TlsMode.VERIFY_IDENTITY, "", "TLSv1.2", null), s.port())) {
                assertEquals("TLSv1.2", tls.getSession().getProtocol());
            }
            TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
                    () -> handshake(settings(TlsMode.VERIFY_IDENTITY, "", "TLSv1.3", null), s.port()));
            assertTrue(e.getMessage().startsWith("TLS handshake with 127.0.0.1:" + s.port()
                    + " failed (VERIFY_IDENTITY, test settings): "), e.getMessage());
        }
    }
}
