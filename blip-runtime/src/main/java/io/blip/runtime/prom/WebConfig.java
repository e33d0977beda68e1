package io.blip.runtime.prom;

import io.blip.api.BlipException;
import io.blip.runtime.http.Bcrypt;
import io.blip.runtime.http.HttpListener;
import io.blip.runtime.http.ServerTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * mysqld_exporter's {@code --web.config.file} (the exporter-toolkit's format), as Blip's
 * {@code exporter.flags.web.config.file} names it: TLS and basic auth of a monitor's listener.
 *
 * <pre>
 * tls_server_config:
 *   cert_file: server.crt            # PEM; relative to the web config file, as the toolkit does
 *   key_file: server.key
 *   client_auth_type: RequireAndVerifyClientCert   # or NoClientCert (the default)
 *   client_ca_file: ca.crt
 *   min_version: TLS12               # TLS10 to TLS13; TLS12 by default
 *   max_version: TLS13
 * http_server_config:
 *   headers: {X-Frame-Options: deny}
 * basic_auth_users:
 *   prometheus: $2y$10$...           # bcrypt, e.g. htpasswd -nBC 10 prometheus
 * </pre>
 *
 * What the toolkit has and Blip does not is a boot error naming the key: the other client auth
 * types, cipher suites and curves, {@code client_allowed_sans}, inline certificates,
 * {@code http2: true} (Blip's listeners speak HTTP/1.1) and rate limits.
 */
public record WebConfig(SSLContext ssl, SSLParameters parameters, Map<String, String> users,
                        Map<String, String> headers) {
    private static final Set<String> TOP = Set.of("tls_server_config", "http_server_config", "basic_auth_users");
    private static final Set<String> TLS = Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file",
            "min_version", "max_version");
    private static final Map<String, String> VERSIONS = Map.of("TLS10", "TLSv1", "TLS11", "TLSv1.1", "TLS12",
            "TLSv1.2", "TLS13", "TLSv1.3");
    private static final List<String> ORDER = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    /** The headers the toolkit lets a web config set. */
    private static final Set<String> HEADERS = Set.of("Strict-Transport-Security", "X-Frame-Options",
            "X-Content-Type-Options", "X-XSS-Protection", "Content-Security-Policy");

    public WebConfig {
        users = Map.copyOf(users);
        headers = Map.copyOf(headers);
    }

    /**
     * Reads and checks the file; {@code where} is the config path of the key, for messages.
     *
     * @throws BlipException naming the file and the key within it: not YAML, a key Blip does not
     *                       support, a PEM file that cannot be read, a password hash that is not bcrypt
     */
    public static WebConfig read(Path file, String where) {
        String at = where + ": " + file + ": ";
        Object root;
        try {
            root = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        } catch (IOException e) {
            throw new BlipException(at + "cannot be read: " + e.getMessage(), e);
        } catch (YamlEngineException e) {
            throw new BlipException(at + "not YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        Map<String, Object> top = map(root == null ? Map.of() : root, at, "the file");
        List<String> problems = new ArrayList<>();
        unknown(top, TOP, at, "", problems);
        SSLContext ssl = null;
        SSLParameters parameters = null;
        Map<String, Object> tls = map(top.getOrDefault("tls_server_config", Map.of()), at, "tls_server_config");
        unknown(tls, TLS, at, "tls_server_config.", problems);
        Path dir = file.toAbsolutePath().getParent();
        if (!tls.isEmpty()) {
            String cert = string(tls, "cert_file");
            String key = string(tls, "key_file");
            if (cert.isEmpty() || key.isEmpty()) {
                problems.add(at + "tls_server_config: cert_file and key_file are both needed");
            }
            String auth = string(tls, "client_auth_type");
            String ca = string(tls, "client_ca_file");
            boolean required = auth.equals("RequireAndVerifyClientCert");
            if (!auth.isEmpty() && !auth.equals("NoClientCert") && !required) {
                problems.add(at + "tls_server_config.client_auth_type: " + auth + " is not supported; use NoClientCert"
                        + " or RequireAndVerifyClientCert");
            }
            if (required && ca.isEmpty()) {
                problems.add(at + "tls_server_config.client_ca_file: needed with client_auth_type " + auth);
            }
            String min = version(tls, "min_version", "TLS12", at, problems);
            String max = version(tls, "max_version", "TLS13", at, problems);
            if (problems.isEmpty()) {
                ssl = ServerTls.context(new ServerTls.File(at + "tls_server_config.cert_file",
                                dir.resolve(cert).toString()),
                        new ServerTls.File(at + "tls_server_config.key_file", dir.resolve(key).toString()),
                        ca.isEmpty() ? null : new ServerTls.File(at + "tls_server_config.client_ca_file",
                                dir.resolve(ca).toString()));
                parameters = ssl.getDefaultSSLParameters();
                parameters.setNeedClientAuth(required);
                List<String> protocols = ORDER.subList(ORDER.indexOf(min), ORDER.indexOf(max) + 1);
                if (protocols.isEmpty()) {
                    problems.add(at + "tls_server_config: min_version is above max_version");
                }
                parameters.setProtocols(protocols.toArray(String[]::new));
            }
        }
        Map<String, Object> http = map(top.getOrDefault("http_server_config", Map.of()), at, "http_server_config");
        unknown(http, Set.of("headers", "http2"), at, "http_server_config.", problems);
        if (Boolean.TRUE.equals(http.get("http2"))) {
            problems.add(at + "http_server_config.http2: true is not supported (Blip's listeners speak HTTP/1.1);"
                    + " remove it or set false");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        map(http.getOrDefault("headers", Map.of()), at, "http_server_config.headers").forEach((name, value) -> {
            String known = HEADERS.stream().filter(h -> h.equalsIgnoreCase(name)).findFirst().orElse(null);
            if (known == null) {
                problems.add(at + "http_server_config.headers." + name + ": not one of " + HEADERS);
            } else {
                headers.put(known, String.valueOf(value));
            }
        });
        Map<String, String> users = new LinkedHashMap<>();
        map(top.getOrDefault("basic_auth_users", Map.of()), at, "basic_auth_users").forEach((user, hash) -> {
            if (!(hash instanceof String h) || !Bcrypt.readable(h)) {
                problems.add(at + "basic_auth_users." + user + ": not a bcrypt hash ($2a$, $2b$ or $2y$; make one with"
                        + " htpasswd -nBC 10 " + user + ")");
            } else {
                users.put(user, h);
            }
        });
        if (!problems.isEmpty()) {
            throw new BlipException(String.join("\n", problems));
        }
        return new WebConfig(ssl, parameters, users, headers);
    }

    /**
     * Whether a request may be served: always without users, else with the Basic credentials of one.
     * {@code verified} keeps credentials found good (their SHA-256, never the password), at most 64:
     * bcrypt takes tens of ms by design, and Prometheus sends the same credentials every scrape.
     */
    public boolean allows(HttpListener.Request request, Set<String> verified) {
        if (users.isEmpty()) {
            return true;
        }
        String header = request.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        String hash = colon < 0 ? null : users.get(decoded.substring(0, colon));
        if (hash == null) {
            return false;
        }
        String password = decoded.substring(colon + 1);
        String seen = sha256(decoded + "\n" + hash);
        if (verified.contains(seen)) {
            return true;
        }
        boolean ok = Bcrypt.matches(password, hash);
        if (ok && verified.size() < 64) {
            verified.add(seen);
        }
        return ok;
    }

    /** A place to keep credentials checked once, per listener. */
    public static Set<String> verifiedCache() {
        return ConcurrentHashMap.newKeySet();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String version(Map<String, Object> tls, String key, String otherwise, String at,
                                  List<String> problems) {
        String v = string(tls, key);
        String name = v.isEmpty() ? otherwise : v;
        String protocol = VERSIONS.get(name);
        if (protocol == null) {
            problems.add(at + "tls_server_config." + key + ": " + v + " is not one of TLS10, TLS11, TLS12, TLS13");
            return VERSIONS.get(otherwise);
        }
        return protocol;
    }

    private static String string(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : String.valueOf(v).strip();
    }

    private static void unknown(Map<String, Object> m, Set<String> known, String at, String prefix,
                                List<String> problems) {
        m.keySet().stream().filter(k -> !known.contains(k)).sorted().forEach(k ->
                problems.add(at + prefix + k + ": not supported by Blip's exporter listeners; supported: "
                        + known.stream().sorted().toList()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String at, String what) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        throw new BlipException(at + what + ": a map of keys was expected, not " + value);
    }
}
