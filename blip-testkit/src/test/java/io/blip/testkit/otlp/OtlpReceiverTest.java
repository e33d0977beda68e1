package io.blip.testkit.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OtlpReceiverTest {
    private static Authority ca;
    private static Issued server;

    @BeforeAll
    static void makeCertificates() {
        ca = TestCertificates.authority("Receiver Test CA");
        server = ca.leaf("collector").ip("127.0.0.1").serverAuth().issue();
    }

    @Test
    void closingReleasesThePortOfEveryKind() throws Exception {
        for (OtlpReceiver r : List.of(OtlpReceiver.http(), OtlpReceiver.grpc(), OtlpReceiver.https(server, null),
                OtlpReceiver.grpcTls(server, ca.certificate()))) {
            int port = r.port();
            r.close();
            try (var again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, again.getLocalPort(), r.protocol());
            }
        }
    }

    @Test
    void tlsEndpointsAreHttps() throws IOException {
        try (var https = OtlpReceiver.https(server, null); var grpc = OtlpReceiver.grpcTls(server, null)) {
            assertEquals("https://127.0.0.1:" + https.port() + "/v1/metrics", https.endpoint());
            assertEquals("https://localhost:" + https.port() + "/v1/metrics", https.endpoint("localhost"));
            assertEquals("https://127.0.0.1:" + grpc.port(), grpc.endpoint());
        }
    }

    @Test
    void anHttpsReceiverWithAClientCaTakesOnlyClientsWithACertificate() throws Exception {
        Issued client = ca.leaf("client").clientAuth().issue();
        try (var r = OtlpReceiver.https(server, ca.certificate())) {
            assertEquals(200, post(r.endpoint(), ca.clientContext(client)));
            assertEquals("CN=client,O=Blip tests", r.await(1, Duration.ofSeconds(10)).getFirst().client());
            assertThrows(IOException.class, () -> post(r.endpoint(), ca.clientContext(null)));
            assertEquals(1, r.received().size(), "the request without a certificate never arrived");
        }
    }

    /** POSTs an empty body (an empty ExportMetricsServiceRequest); the status. */
    private static int post(String endpoint, SSLContext tls) throws IOException {
        var c = (HttpsURLConnection) URI.create(endpoint).toURL().openConnection();
        try {
            c.setSSLSocketFactory(tls.getSocketFactory());
            c.setConnectTimeout(10_000);
            c.setReadTimeout(10_000);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.getOutputStream().close();
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }
}
