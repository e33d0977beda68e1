package io.blip.api.tls;

import io.blip.api.config.MonitorConfig;

import java.util.Optional;

/**
 * Supplies TLS trust material for monitors whose config sets no {@code tls.*} key (explicit config
 * always wins). The first provider that answers is used.
 */
public interface TlsProvider {

    /** The provider name, e.g. {@code corporate-ca}. */
    String name();

    /** TLS for this monitor, or empty when the provider does not apply to it. */
    Optional<TlsMaterial> tls(MonitorConfig monitor) throws Exception;

    /** A line for {@code --print-plugins}: e.g. the CA bundle version and earliest expiry. */
    default String describe() {
        return "";
    }
}
