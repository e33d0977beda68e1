package io.blip.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.time.Time;
import io.blip.runtime.api.ApiBackend.Readiness;
import io.blip.runtime.config.ApiConfig;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bearer token of api.auth-token-file and TLS from api.tls.*, over real connections. */
class ApiSecurityTest {
    private static final String TOKEN = "tok-3f9a1c7e5b";

    @TempDir
    Path dir;

    private final TestBackend backend = new TestBackend();

    private ApiServer start(ApiConfig config) {
        ApiServer server = ApiServer.bind(config, backend, "1.2.3", Time.system());
        server.start();
        return server;
    }

    private ApiConfig withToken() throws IOException {
        return withToken("127.0.0.1:0");
    }

    private ApiConfig withToken(String bind) throws IOException {
        Path file = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        return new ApiConfig(bind, false, file.toString(), "", "", "");
    }

    @Test
    void withATokenFileEveryEndpointButTheProbesAsksForTheBearerToken() throws Exception {
        try (ApiServer server = start(withToken())) {
            var client = new ApiClient(server);
            for (String path : List.of("/status", "/monitors", "/config?json", "/version", "/probe?target=db1",
                    "/metrics", "/nope")) {
                HttpResponse<String> none = client.send("GET", path, null);
                assertEquals(401, none.statusCode(), path);
                assertEquals(Optional.of("Bearer realm=\"blip\""), none.headers().firstValue("WWW-Authenticate"));
                assertEquals("401 unauthorized: send Authorization: Bearer <the token in api.auth-token-file>\n",
                        none.body());

                HttpResponse<String> wrong = client.send("GET", path, TOKEN + "x");
                assertEquals(401, wrong.statusCode(), path);
                assertEquals(Optional.of("Bearer realm=\"blip\", error=\"invalid_token\""),
                        wrong.headers().firstValue("WWW-Authenticate"));
            }
            assertEquals(401, client.send("POST", "/monitors/stop?id=db1", null).statusCode());
            assertEquals(List.of(), backend.calls);

            assertEquals(200, client.send("GET", "/version", TOKEN).statusCode());
            assertEquals(200, client.send("GET", "/probe?target=db1", TOKEN).statusCode(), "Prometheus sends it too");
            assertEquals(200, client.send("GET", "/metrics", TOKEN).statusCode());
            assertEquals(200, client.send("POST", "/monitors/stop?id=db1", TOKEN).statusCode());
            assertEquals(404, client.send("GET", "/nope", TOKEN).statusCode());
            assertEquals(List.of("probe db1", "stop db1"), backend.calls);
        }
    }

    @Test
    void withoutATokenOnlyThisHostMayFlipDebugLogging() throws Exception {
        InetAddress remote = thisHostsNonLoopbackAddress();
        try (ApiServer server = start(new ApiConfig("0.0.0.0:0", false))) {
            HttpResponse<String> refused = ApiClient.via(remote, server).get("/debug");
            assertEquals(403, refused.statusCode(), refused.body());
            assertEquals("403 forbidden: GET /debug flips debug logging; without api.auth-token-file only a caller on"
                    + " this host may (this one is " + remote.getHostAddress() + ")\n", refused.body());
            assertFalse(backend.debugging, "not flipped");
            assertEquals(200, ApiClient.via(remote, server).get("/status").statusCode(), "the rest stays open");

            assertEquals("{\"debugging\":true}\n", new ApiClient(server).get("/debug").body(), "from 127.0.0.1");
        }
        try (ApiServer server = start(withToken("0.0.0.0:0"))) {
            assertEquals(401, ApiClient.via(remote, server).get("/debug").statusCode());
            assertEquals("{\"debugging\":false}\n", ApiClient.via(remote, server).send("GET", "/debug", TOKEN).body(),
                    "with the token, from anywhere");
        }
    }

    /** An IPv4 address of this host's own that is not loopback (the test machine's network interface). */
    private static InetAddress thisHostsNonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst()
                .orElseThrow(() -> new AssertionError("this host has no IPv4 address but loopback to call from"));
    }

    @Test
    void theSchemeIsCaseInsensitiveAndNothingButTheTokenPasses() throws Exception {
        try (ApiServer server = start(withToken())) {
            var client = new ApiClient(server);
            var request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.address().getPort() + "/version"));
            var http = java.net.http.HttpClient.newHttpClient();
            assertEquals(200, http.send(request.header("Authorization", "bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            for (String header : List.of("Basic " + TOKEN, "Bearer", "Bearer " + TOKEN.substring(1), TOKEN)) {
                var r = java.net.http.HttpRequest.newBuilder(request.build().uri()).header("Authorization", header).build();
                assertEquals(401, http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode(), header);
            }
            assertEquals(401, client.send("GET", "/version", "").statusCode());
        }
    }

    @Test
    void probesStayOpenButOnlyATokenSeesWhichMonitorsAreNotReady() throws Exception {
        backend.readiness = new Readiness(Map.of("db2", "no collection yet"));
        try (ApiServer server = start(withToken())) {
            var client = new ApiClient(server);
            assertEquals(200, client.get("/health").statusCode());
            HttpResponse<String> open = client.get("/ready");
            assertEquals(503, open.statusCode());
            assertEquals("{\"ready\":false}\n", open.body());

            HttpResponse<String> withToken = client.send("GET", "/ready", TOKEN);
            assertEquals("{\"ready\":false,\"not-ready\":{\"db2\":\"no collection yet\"}}\n", withToken.body());
        }
    }

    @Test
    void anEmptyTokenFileIsABootErrorThatNamesTheFileNotTheToken() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path twoWords = Files.writeString(dir.resolve("two"), TOKEN + " " + TOKEN + "\n");

        assertEquals("api.auth-token-file: " + empty + " is empty; write the token in it",
                assertThrows(BlipException.class, () -> start(new ApiConfig("127.0.0.1:0", false, empty.toString(),
                        "", "", ""))).getMessage());
        String message = assertThrows(BlipException.class, () -> start(new ApiConfig("127.0.0.1:0", false,
                twoWords.toString(), "", "", ""))).getMessage();
        assertEquals("api.auth-token-file: " + twoWords + " holds white space or control characters inside the token;"
                + " a bearer token is one word on one line", message);
        assertFalse(message.contains(TOKEN));
    }

    @Test
    void tlsServesTheConfiguredCertificateAndRefusesPlainHttp() throws Exception {
        Authority ca = TestCertificates.authority("API CA");
        ApiConfig config = tls(ca, "");
        try (ApiServer server = start(config)) {
            HttpResponse<String> reply = new ApiClient(server, ca.clientContext(null)).get("/version");
            assertEquals(200, reply.statusCode());
            assertEquals("\"1.2.3\"\n", reply.body());
            assertEquals("CN=blip.test,O=Blip tests", ((X509Certificate) reply.sslSession().orElseThrow().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName());

            assertThrows(IOException.class, () -> new ApiClient(server).get("/version"));
        }
    }

    @Test
    void withACaTheApiRequiresAClientCertificateItIssued() throws Exception {
        Authority ca = TestCertificates.authority("API CA");
        Authority clients = TestCertificates.authority("Client CA");
        Path clientCa = clients.writeCertificate(dir.resolve("client-ca.pem"));
        try (ApiServer server = start(tls(ca, clientCa.toString()))) {
            assertThrows(IOException.class, () -> new ApiClient(server, ca.clientContext(null)).get("/version"));
            assertThrows(IOException.class,
                    () -> new ApiClient(server, ca.clientContext(ca.client("stranger"))).get("/version"));

            HttpResponse<String> reply = new ApiClient(server, ca.clientContext(clients.client("operator"))).get("/version");
            assertEquals(200, reply.statusCode());
        }
    }

    @Test
    void tlsFilesThatCannotServeAreBootErrorsNamingKeyAndFile() throws Exception {
        Authority ca = TestCertificates.authority("API CA");
        Issued server = ca.server("blip.test", "DNS:blip.test", "IP:127.0.0.1");
        Path cert = server.writeChain(dir.resolve("cert.pem"));
        Path otherKey = ca.server("other").writeKey(dir.resolve("other-key.pem"), KeyFormat.PKCS8);
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");

        String mismatch = assertThrows(BlipException.class, () -> start(new ApiConfig("127.0.0.1:0", false, "",
                cert.toString(), otherKey.toString(), ""))).getMessage();
        assertEquals("api.tls.key: " + otherKey + " is not the key of the certificate in api.tls.cert (" + cert
                + ", CN=blip.test,O=Blip tests)", mismatch);

        String badCert = assertThrows(BlipException.class, () -> start(new ApiConfig("127.0.0.1:0", false, "",
                notPem.toString(), otherKey.toString(), ""))).getMessage();
        assertTrue(badCert.startsWith("api.tls.cert: " + notPem + ": no certificate in"), badCert);
    }

    /** api.tls.* for a server certificate for 127.0.0.1 issued by {@code ca}. */
    private ApiConfig tls(Authority ca, String clientCa) {
        Issued server = ca.server("blip.test", "DNS:blip.test", "IP:127.0.0.1");
        Path cert = server.writeChain(dir.resolve("server.pem"));
        Path key = server.writeKey(dir.resolve("server-key.pem"), KeyFormat.TRADITIONAL);
        return new ApiConfig("127.0.0.1:0", false, "", cert.toString(), key.toString(), clientCa);
    }
}
