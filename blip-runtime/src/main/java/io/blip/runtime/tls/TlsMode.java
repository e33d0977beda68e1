package io.blip.runtime.tls;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * MySQL's {@code ssl-mode}s, meaning what the MySQL manual says they mean. The driver is asked
 * only whether to use TLS ({@link #driverSslMode()}); the certificate checks are Blip's own
 * ({@link TlsClient}).
 */
public enum TlsMode {
    /** No TLS. */
    DISABLED,
    /** TLS when the server offers it, plain otherwise; the server is not verified. */
    PREFERRED,
    /** TLS or no connection; the server is not verified. */
    REQUIRED,
    /** TLS, and the server certificate must chain to a trusted CA (any name). */
    VERIFY_CA,
    /** As VERIFY_CA, and the certificate must name the host (or {@code tls.server-name}). */
    VERIFY_IDENTITY;

    /** The mode named in a my.cnf {@code ssl-mode} (case-insensitive), or empty for an unknown name. */
    public static Optional<TlsMode> parse(String name) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.name().equals(upper)).findFirst();
    }

    /** Whether the server certificate is checked against trusted CAs. */
    public boolean verifiesCa() {
        return this == VERIFY_CA || this == VERIFY_IDENTITY;
    }

    /**
     * The driver's {@code sslMode}: whether to use TLS at all. Blip checks certificates itself, so
     * the verifying modes ask the driver for REQUIRED and never for its own verification.
     */
    public String driverSslMode() {
        return switch (this) {
            case DISABLED -> "DISABLED";
            case PREFERRED -> "PREFERRED";
            case REQUIRED, VERIFY_CA, VERIFY_IDENTITY -> "REQUIRED";
        };
    }
}
