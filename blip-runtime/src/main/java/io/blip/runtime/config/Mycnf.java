package io.blip.runtime.config;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.api.config.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code [client]} section of a my.cnf file: the keys Blip reads ({@code user},
 * {@code password}, {@code host}, {@code port}, {@code socket}, {@code ssl-ca}, {@code ssl-cert},
 * {@code ssl-key}, {@code ssl-mode}). As in MySQL, {@code _} and {@code -} are the same in a key,
 * values may be quoted, and {@code #} or {@code ;} start a comment line.
 */
public record Mycnf(String user, Secret password, String host, String port, String socket, String sslCa,
                    String sslCert, String sslKey, String sslMode) {

    /** Reads the file; a missing or unreadable file is an error naming it. */
    public static Mycnf read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BlipException("mysql.mycnf: file " + file + " does not exist");
        } catch (IOException e) {
            throw new BlipException("mysql.mycnf: cannot read " + file + ": " + e.getMessage());
        }
        return parse(lines);
    }

    static Mycnf parse(List<String> lines) {
        Map<String, String> client = new LinkedHashMap<>();
        boolean inClient = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || line.startsWith("!")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                inClient = line.substring(1, line.length() - 1).strip().equalsIgnoreCase("client");
                continue;
            }
            if (!inClient) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = (eq < 0 ? line : line.substring(0, eq)).strip().toLowerCase(Locale.ROOT).replace('_', '-');
            String value = eq < 0 ? "" : unquote(line.substring(eq + 1).strip());
            client.put(key, value);
        }
        return new Mycnf(client.getOrDefault("user", ""), Secret.of(client.getOrDefault("password", "")),
                client.getOrDefault("host", ""), client.getOrDefault("port", ""),
                client.getOrDefault("socket", ""), client.getOrDefault("ssl-ca", ""),
                client.getOrDefault("ssl-cert", ""), client.getOrDefault("ssl-key", ""),
                client.getOrDefault("ssl-mode", "").toUpperCase(Locale.ROOT));
    }

    /** {@code host:port} from {@code host} and {@code port}, or empty when there is no host. */
    public String hostname() {
        if (host.isEmpty()) {
            return "";
        }
        return port.isEmpty() ? host : host + ":" + port;
    }

    /**
     * The {@code ssl-*} keys as a TlsConfig ({@code mode} holds {@code ssl-mode}), for
     * {@link io.blip.runtime.tls.TlsResolver}. Relative file names stay relative to the working
     * directory, as the mysql client reads them.
     */
    public TlsConfig tls() {
        return new TlsConfig(sslCa, sslCert, sslKey, false, false, "", "", sslMode);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        int hash = v.indexOf(" #");
        return hash < 0 ? v : v.substring(0, hash).strip();
    }

    @Override
    public String toString() {
        return "Mycnf[user=" + user + ", password=" + password + ", host=" + host + ", port=" + port + ", socket="
                + socket + ", ssl-ca=" + sslCa + ", ssl-cert=" + sslCert + ", ssl-key=" + sslKey + ", ssl-mode="
                + sslMode + "]";
    }
}
