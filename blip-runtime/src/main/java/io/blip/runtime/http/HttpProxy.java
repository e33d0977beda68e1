package io.blip.runtime.http;

import io.blip.api.BlipException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code http.proxy}: the HTTP proxy every outbound HTTP client of Blip and its plugins goes
 * through (sinks, OTLP, the AWS APIs), except for the hosts of {@code NO_PROXY}, loopback, and the
 * EC2 instance metadata service, which are always reached directly.
 *
 * <p>It is installed once at boot as the JVM's default {@link ProxySelector}: the JDK's HTTP
 * clients, {@code HttpURLConnection} (the AWS SDK's client) and OkHttp (OpenTelemetry's gRPC
 * exporter) all ask the default selector, so a plugin needs no code of its own. A user and password
 * for the proxy are not supported (see {@link #parse}).
 *
 * @param uri     {@code http://host:port}
 * @param noProxy {@code NO_PROXY}'s entries: {@code *}, a host, a domain ({@code example.com} or
 *                {@code .example.com}: it and its subdomains), an IP address, or an IPv4 CIDR block
 */
public record HttpProxy(URI uri, List<String> noProxy) {
    private static final Logger LOG = LoggerFactory.getLogger(HttpProxy.class);
    /** The EC2 instance metadata service, IPv4 and IPv6: never through a proxy. */
    private static final List<String> IMDS = List.of("169.254.169.254", "fd00:ec2::254");

    public HttpProxy {
        noProxy = List.copyOf(noProxy);
    }

    /**
     * The proxy of {@code http.proxy}, with the {@code NO_PROXY} (or {@code no_proxy}) of the
     * environment.
     *
     * @throws BlipException saying what is wrong with the URL (its user info masked)
     */
    public static HttpProxy parse(String url, String noProxyEnv) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new BlipException("'" + mask(url) + "' is not a URL; write http://host:port");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new BlipException("'" + mask(url) + "': not supported: a proxy of scheme '" + uri.getScheme()
                    + "'; Blip's clients talk to an HTTP proxy (http://host:port), which tunnels HTTPS with CONNECT");
        }
        if (uri.getHost() == null) {
            throw new BlipException("'" + mask(url) + "': write the proxy's host and port: http://host:port");
        }
        if (uri.getPort() < 0) {
            // Blip's quick reference writes http://proxy.internal; Go's HTTP client takes port 80 then, as we do.
            uri = URI.create("http://" + uri.getRawAuthority() + ":80"
                    + (uri.getRawPath() == null ? "" : uri.getRawPath()));
        }
        if (uri.getRawUserInfo() != null) {
            // The AWS SDK's client sends a POST in streaming mode, which cannot answer a 407 challenge, and the
            // JDK's HttpClient authenticates only with an authenticator of its own: no way to make it work for all.
            throw new BlipException("'" + mask(url) + "': not supported: a user and password for the proxy; "
                    + "allow Blip's hosts on the proxy by address instead");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new BlipException("'" + mask(url) + "': a proxy URL has no path; write http://host:port");
        }
        List<String> entries = new ArrayList<>();
        for (String entry : (noProxyEnv == null ? "" : noProxyEnv).split(",")) {
            if (!entry.isBlank()) {
                entries.add(entry.strip().toLowerCase(Locale.ROOT));
            }
        }
        return new HttpProxy(uri, entries);
    }

    private static String mask(String url) {
        return url.replaceAll("//[^/@]*@", "//...@");
    }

    /** Whether a request to this host goes directly: loopback, the instance metadata service, {@code NO_PROXY}. */
    public boolean direct(String host) {
        String h = stripBrackets(host.toLowerCase(Locale.ROOT));
        if (h.equals("localhost") || h.endsWith(".localhost") || IMDS.contains(h) || isLoopbackLiteral(h)) {
            return true;
        }
        for (String entry : noProxy) {
            if (entry.equals("*") || matches(h, stripBrackets(entry))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String host, String entry) {
        if (entry.contains("/")) {
            return inCidr(host, entry);
        }
        String domain = entry.startsWith(".") ? entry.substring(1) : entry;
        int colon = domain.lastIndexOf(':');
        if (colon > 0 && domain.indexOf(':') == colon) { // host:port: the port is not ours to match
            domain = domain.substring(0, colon);
        }
        return host.equals(domain) || host.endsWith("." + domain);
    }

    private static boolean inCidr(String host, String cidr) {
        String[] parts = cidr.split("/", 2);
        try {
            int bits = Integer.parseInt(parts[1]);
            byte[] net = literal(parts[0]);
            byte[] addr = literal(host);
            if (net == null || addr == null || net.length != addr.length || bits < 0 || bits > net.length * 8) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((net[i / 8] & mask) != (addr[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The bytes of an IP address literal; null for a host name (never resolved: that would be DNS for nothing). */
    private static byte[] literal(String host) {
        boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = host.contains(":") && host.matches("[0-9a-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isLoopbackLiteral(String host) {
        byte[] addr = literal(host);
        if (addr == null) {
            return false;
        }
        try {
            return InetAddress.getByAddress(addr).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The selector of this proxy: direct for {@link #direct} hosts and non-HTTP schemes, else the proxy. */
    public ProxySelector selector() {
        Proxy proxy = new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort()));
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI target) {
                String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
                boolean web = scheme.equals("http") || scheme.equals("https") || scheme.equals("socket");
                if (!web || target.getHost() == null || direct(target.getHost())) {
                    return List.of(Proxy.NO_PROXY);
                }
                return List.of(proxy);
            }

            @Override
            public void connectFailed(URI target, SocketAddress address, IOException e) {
                LOG.debug("http.proxy: {} did not connect for {}: {}", address, target.getHost(), e.getMessage());
            }
        };
    }

    /** Makes this the JVM's proxy, before any HTTP client of the boot is made. */
    public void install() {
        ProxySelector.setDefault(selector());
        LOG.info("http.proxy: HTTP clients go through {}:{} (direct: loopback, instance metadata{})", uri.getHost(),
                uri.getPort(), noProxy.isEmpty() ? "" : ", NO_PROXY " + noProxy);
    }

    @Override
    public String toString() {
        return "HttpProxy[" + mask(uri.toString()) + ", noProxy=" + noProxy + "]";
    }
}
