package io.blip.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.tls.TlsMaterial;
import io.blip.api.tls.TlsProvider;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every TLS provider promises, as the runtime uses it: a name and a line for
 * {@code --print-plugins}; trust material for the monitors it applies to, with CAs valid now; nothing
 * for the monitors it does not apply to, nor for a monitor whose config sets TLS itself (explicit
 * config always wins).
 */
public abstract class TlsProviderContract {

    /** The provider under test. */
    protected abstract TlsProvider provider();

    /** A monitor the provider applies to. */
    protected abstract MonitorConfig appliesTo();

    /** A monitor it does not apply to. */
    protected abstract MonitorConfig doesNotApplyTo();

    @Test
    void itHasANameAndADescription() {
        assertTrue(provider().name().matches("[a-z][a-z0-9-]*"), "name '" + provider().name() + "'");
        assertNotNull(provider().describe());
    }

    @Test
    void itGivesCasValidNowToTheMonitorsItAppliesTo() throws Exception {
        Optional<TlsMaterial> material = provider().tls(appliesTo());
        assertTrue(material.isPresent(), "no TLS for " + appliesTo().id());
        assertFalse(material.get().source().isBlank(), "source");
        for (X509Certificate ca : material.get().trustedCas()) {
            ca.checkValidity(new Date());
        }
    }

    @Test
    void itGivesNothingToTheMonitorsItDoesNotApplyTo() throws Exception {
        assertEquals(Optional.empty(), provider().tls(doesNotApplyTo()));
    }

    @Test
    void explicitTlsConfigWins() throws Exception {
        MonitorConfig explicit = appliesTo().withTls(new TlsConfig("", "", "", true, false, "", "", ""));
        assertEquals(Optional.empty(), provider().tls(explicit));
    }
}
