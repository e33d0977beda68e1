package io.blip.runtime.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** Real HTTP requests to an {@link ApiServer} on loopback. */
final class ApiClient {
    private final HttpClient http;
    private final String base;

    ApiClient(ApiServer server) {
        this(server, null);
    }

    /** A client over TLS with {@code ssl} (trusting the server's CA, with a client certificate or not). */
    ApiClient(ApiServer server, SSLContext ssl) {
        var builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        this.http = builder.build();
        this.base = (ssl == null ? "http" : "https") + "://127.0.0.1:" + server.address().getPort();
    }

    private ApiClient(String base) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.base = base;
    }

    /** A client of {@code server} through one of this host's addresses (not loopback, say), over plain HTTP. */
    static ApiClient via(InetAddress address, ApiServer server) {
        String host = address.getHostAddress();
        return new ApiClient("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.address().getPort());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return send("POST", path, null);
    }

    HttpResponse<String> send(String method, String path, String token) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
