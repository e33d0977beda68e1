package io.blip.runtime.config;

import io.blip.api.Secret;
import io.blip.api.config.TlsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code [client]} and {@code [blip]} groups of a my.cnf file (a key in {@code [blip]} over the
 * same in {@code [client]}), read as the {@code mysql} client reads the file ({@link MycnfReader}:
 * includes, quotes, escapes, comments): the keys Blip reads ({@code user}, {@code password},
 * {@code host}, {@code port}, {@code socket}, {@code ssl-ca}, {@code ssl-cert}, {@code ssl-key},
 * {@code ssl-mode}).
 */
public record Mycnf(String user, Secret password, String host, String port, String socket, String sslCa,
                    String sslCert, String sslKey, String sslMode) {

    /** Reads the file and what it includes; a missing or unreadable file is an error naming it. */
    public static Mycnf read(Path file) {
        return of(MycnfReader.read(file).options());
    }

    /** Lines as if they were a file's, {@code !include}s followed. */
    static Mycnf parse(List<String> lines) {
        return of(MycnfReader.lines(Path.of("my.cnf"), lines).options());
    }

    /** The keys Blip reads from the options of the file's {@code [client]} and {@code [blip]} groups. */
    static Mycnf of(Map<String, String> client) {
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

    @Override
    public String toString() {
        return "Mycnf[user=" + user + ", password=" + password + ", host=" + host + ", port=" + port + ", socket="
                + socket + ", ssl-ca=" + sslCa + ", ssl-cert=" + sslCert + ", ssl-key=" + sslKey + ", ssl-mode="
                + sslMode + "]";
    }
}
