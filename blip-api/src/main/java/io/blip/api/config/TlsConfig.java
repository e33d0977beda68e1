package io.blip.api.config;

/**
 * Blip's {@code tls} section (and my.cnf {@code ssl-*}).
 *
 * @param ca         CA certificate file (PEM)
 * @param cert       client certificate file (PEM)
 * @param key        client key file (PEM)
 * @param skipVerify no verification of the server at all (neither CA nor host name)
 * @param disable    no TLS, even if other keys are set
 * @param serverName beyond Blip: the name to verify the server certificate against
 * @param minVersion beyond Blip: the lowest TLS version, e.g. {@code TLSv1.2}
 * @param mode       beyond Blip: my.cnf {@code ssl-mode} (DISABLED, PREFERRED, REQUIRED, VERIFY_CA,
 *                   VERIFY_IDENTITY); empty when not given
 */
public record TlsConfig(String ca, String cert, String key, boolean skipVerify, boolean disable, String serverName,
                        String minVersion, String mode) {
    public static final TlsConfig EMPTY = new TlsConfig("", "", "", false, false, "", "", "");

    public TlsConfig {
        ca = ca == null ? "" : ca;
        cert = cert == null ? "" : cert;
        key = key == null ? "" : key;
        serverName = serverName == null ? "" : serverName;
        minVersion = minVersion == null ? "" : minVersion;
        mode = mode == null ? "" : mode;
    }

    /** Whether any TLS key is set explicitly (explicit config wins over TLS providers). */
    public boolean isSet() {
        return !ca.isEmpty() || !cert.isEmpty() || !key.isEmpty() || skipVerify || disable
                || !serverName.isEmpty() || !minVersion.isEmpty() || !mode.isEmpty();
    }
}
