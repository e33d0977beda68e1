package io.blip.runtime.prom;

import io.blip.api.BlipException;
import io.blip.api.time.Time;
import io.blip.runtime.http.HttpListener;
import io.blip.runtime.http.HttpListener.Reply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * A monitor's own listener for Prometheus, as Blip's {@code exporter.flags} set it: {@code GET} on
 * the telemetry path answers with the monitor's scrape in mysqld_exporter's format; every other path
 * with the exporter's landing page, as 0.14 does. Served by an {@link HttpListener}: virtual threads, nothing awake while nobody asks,
 * so 1,000 monitors with listeners of their own cost no thread each.
 */
public final class ExporterListener implements AutoCloseable {
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpListener http;

    private ExporterListener(HttpListener http) {
        this.http = http;
    }

    /**
     * Listens on {@code host:port}.
     *
     * @param where the config path of the address, for the message when it cannot be bound
     * @throws BlipException when the address is not host:port or cannot be bound (e.g. in use)
     */
    public static ExporterListener bind(String listenAddress, String telemetryPath, ExporterScrape scrape,
                                        String where, Time time) {
        return bind(listenAddress, telemetryPath, scrape, where, null, time);
    }

    /**
     * Listens on {@code host:port} with the TLS, basic auth and headers of {@code web}
     * ({@code web.config.file}; null for none).
     */
    public static ExporterListener bind(String listenAddress, String telemetryPath, ExporterScrape scrape,
                                        String where, WebConfig web, Time time) {
        InetSocketAddress address = address(listenAddress, where);
        Set<String> verified = WebConfig.verifiedCache();
        HttpListener http;
        try {
            http = HttpListener.bind(address, web == null ? null : web.ssl(), web == null ? null : web.parameters(),
                    "blip-exporter", time, request -> withHeaders(web, serve(request, telemetryPath, scrape, web, verified)));
        } catch (IOException e) {
            throw new BlipException(where + ": cannot listen on " + listenAddress + ": " + e.getMessage()
                    + "; set another web.listen-address");
        }
        return new ExporterListener(http.start());
    }

    private static Reply withHeaders(WebConfig web, Reply reply) {
        if (web == null || web.headers().isEmpty()) {
            return reply;
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>(web.headers());
        headers.putAll(reply.headers());
        return new Reply(reply.status(), reply.type(), reply.body(), headers);
    }

    /** {@code host:port} as an address; {@code :9104} listens on every interface, as the exporter's default does. */
    public static InetSocketAddress address(String listenAddress, String where) {
        int colon = listenAddress.lastIndexOf(':');
        if (colon < 0) {
            throw new BlipException(where + ": '" + listenAddress + "' is not host:port (e.g. 127.0.0.1:9104)");
        }
        String host = listenAddress.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listenAddress.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new BlipException(where + ": '" + listenAddress + "' has no port 0 to 65535 (e.g. 127.0.0.1:9104)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private static Reply serve(HttpListener.Request request, String path, ExporterScrape scrape, WebConfig web,
                               Set<String> verified) {
        if (web != null && !web.allows(request, verified)) {
            // As the exporter-toolkit answers.
            return new Reply(401, "text/plain; charset=utf-8", "Unauthorized\n".getBytes(StandardCharsets.UTF_8),
                    Map.of("WWW-Authenticate", "Basic"));
        }
        if (!request.path().equals(path)) {
            // As mysqld_exporter 0.14 answers every other path (Go's "/" pattern): its landing page.
            return new Reply(200, "text/html; charset=utf-8", landingPage(path), Map.of());
        }
        if (!request.method().equals("GET")) {
            return new Reply(405, "text/plain; charset=utf-8",
                    "405 method not allowed\n".getBytes(StandardCharsets.UTF_8), Map.of("Allow", "GET"));
        }
        try {
            return new Reply(200, PROMETHEUS, scrape.scrape(), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.text(503, "scrape interrupted\n");
        }
    }

    /** mysqld_exporter 0.14's landing page, byte for byte, with a link to the telemetry path. */
    static byte[] landingPage(String telemetryPath) {
        String href = telemetryPath.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;");
        return ("<html>\n<head><title>MySQLd exporter</title></head>\n<body>\n<h1>MySQLd exporter</h1>\n"
                + "<p><a href='" + href + "'>Metrics</a></p>\n</body>\n</html>\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Where it listens (the port chosen when the address said 0). */
    public InetSocketAddress address() {
        return http.address();
    }

    @Override
    public void close() {
        http.close();
    }
}
