package io.blip.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every credential source promises, as the runtime uses it: a name and a precedence; it handles
 * the monitors whose config asks for it and not a monitor that asks for nothing; it gives the
 * credentials, again from its cache or fresh, and fresh ones after "access denied" (a rotated
 * password costs one failed login); a password never shows in {@code toString} or in a failure's
 * message.
 *
 * <pre>{@code
 * class MyCredentialsContractTest extends CredentialSourceContract {
 *     protected CredentialSourceFactory factory() { return new MyCredentialsFactory(); }
 *     protected MonitorConfig monitor() { return MonitorConfig.of("db1").withSection("vault", ...); }
 *     protected Credentials expected() { return Credentials.of("blip", Secret.of(vault.password())); }
 *     protected void rotate() { vault.rotate(); }
 * }
 * }</pre>
 */
public abstract class CredentialSourceContract {

    /** The factory under test. */
    protected abstract CredentialSourceFactory factory();

    /** A monitor whose config asks for this source. */
    protected abstract MonitorConfig monitor();

    /** The credentials the source should give for {@link #monitor()} now. */
    protected abstract Credentials expected() throws Exception;

    /**
     * Changes the password where the source reads it (as a rotation does); {@link #expected()} then
     * gives the new one. By default the contract skips the rotation test.
     */
    protected void rotate() throws Exception {
        Assumptions.abort("the test gives no way to rotate the password");
    }

    /** Whether the source handles every monitor, even one whose config asks for nothing (rare). */
    protected boolean handlesEveryMonitor() {
        return false;
    }

    /** The context the source is made with; override to give a region chain or plugin services. */
    protected CredentialContext context(MonitorConfig monitor) {
        return CredentialContext.of(monitor);
    }

    @Test
    void itHasANameAndAPrecedence() {
        assertTrue(factory().name().matches("[a-z][a-z0-9-]*"), "name '" + factory().name() + "'");
        assertTrue(factory().precedence() >= 0, "precedence " + factory().precedence());
    }

    @Test
    void itHandlesTheMonitorsThatAskForItOnly() {
        assertTrue(factory().handles(monitor()), "handles the monitor that asks for it");
        if (!handlesEveryMonitor()) {
            assertFalse(factory().handles(asksForNothing()), "handles a monitor that asks for nothing");
        }
    }

    /** A monitor with the same sections as {@link #monitor()}, each with its defaults only: as the runtime makes it. */
    protected MonitorConfig asksForNothing() {
        MonitorConfig m = MonitorConfig.of("asks-for-nothing");
        for (var section : monitor().sections().entrySet()) {
            m = m.withSection(section.getKey(), section.getValue().declared().defaults(section.getKey()));
        }
        return m;
    }

    @Test
    void itGivesTheCredentialsOnConnectAndAgain() throws Exception {
        try (CredentialSource source = factory().make(context(monitor()))) {
            Credentials expected = expected();
            assertEquals(expected, source.credentials(CredentialReason.CONNECT));
            assertEquals(expected, source.credentials(CredentialReason.CONNECT), "the second time");
        }
    }

    @Test
    void afterAccessDeniedItGivesTheNewPassword() throws Exception {
        try (CredentialSource source = factory().make(context(monitor()))) {
            Credentials before = source.credentials(CredentialReason.CONNECT);
            rotate();
            Credentials after = expected();
            assertNotEquals(before.password(), after.password(), "rotate() must change the password");
            assertEquals(after, source.credentials(CredentialReason.ACCESS_DENIED));
        }
    }

    @Test
    void thePasswordNeverShows() throws Exception {
        try (CredentialSource source = factory().make(context(monitor()))) {
            Credentials c = source.credentials(CredentialReason.CONNECT);
            String password = c.password().reveal();
            Assumptions.assumeFalse(password.isEmpty(), "no password to hide");
            assertFalse(c.toString().contains(password), c.toString());
            assertFalse(source.toString().contains(password), source.toString());
        }
    }
}
