package io.blip.runtime.prom;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.blip.api.BlipException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A monitor's own listener for Prometheus, as Blip's {@code exporter.flags} set it: {@code GET} on
 * the telemetry path answers with the monitor's scrape in mysqld_exporter's format; every other path
 * is {@code 404}. Requests are served on virtual threads.
 */
public final class ExporterListener implements AutoCloseable {
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer http;

    private ExporterListener(HttpServer http) {
        this.http = http;
    }

    /**
     * Listens on {@code host:port}.
     *
     * @param where the config path of the address, for the message when it cannot be bound
     * @throws BlipException when the address is not host:port or cannot be bound (e.g. in use)
     */
    public static ExporterListener bind(String listenAddress, String telemetryPath, ExporterScrape scrape,
                                        String where) {
        InetSocketAddress address = address(listenAddress, where);
        HttpServer http;
        try {
            http = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new BlipException(where + ": cannot listen on " + listenAddress + ": " + e.getMessage()
                    + "; set another web.listen-address");
        }
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", exchange -> serve(exchange, telemetryPath, scrape));
        http.start();
        return new ExporterListener(http);
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

    private static void serve(HttpExchange exchange, String path, ExporterScrape scrape) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                reply(exchange, 404, "text/plain; charset=utf-8", "404 page not found\n");
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                reply(exchange, 405, "text/plain; charset=utf-8", "405 method not allowed\n");
            } else {
                try {
                    reply(exchange, 200, PROMETHEUS, scrape.scrape());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    reply(exchange, 503, "text/plain; charset=utf-8", "scrape interrupted\n");
                }
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Where it listens (the port chosen when the address said 0). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
