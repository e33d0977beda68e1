package io.blip.api.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Trust material a {@link TlsProvider} supplies.
 *
 * @param source         where it comes from, for messages (e.g. {@code corporate CA bundle 2026-10})
 * @param trustedCas     CA certificates that verify the server
 * @param verifyIdentity also verify that the server certificate names the host
 */
public record TlsMaterial(String source, List<X509Certificate> trustedCas, boolean verifyIdentity) {
    public TlsMaterial {
        Objects.requireNonNull(source, "source");
        trustedCas = List.copyOf(trustedCas == null ? List.of() : trustedCas);
    }
}
