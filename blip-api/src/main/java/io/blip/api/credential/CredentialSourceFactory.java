package io.blip.api.credential;

import io.blip.api.config.MonitorConfig;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Makes credential sources: where a monitor's MySQL user and password come from. Found with
 * {@link java.util.ServiceLoader}; the constructor must be cheap and do no I/O.
 *
 * <p>For each monitor the runtime uses the source named by {@code mysql.credential-source} if set;
 * otherwise the factory with the highest {@link #precedence()} whose {@link #handles} is true
 * (Blip's order: the cloud's IAM token 600 and secrets store 500, {@code password-file} 400,
 * {@code mycnf} 300, {@code password} 200, none 0).
 */
public interface CredentialSourceFactory {

    /** The source name, e.g. {@code password-file}. Unique among all loaded plugins. */
    String name();

    /** Higher wins when several factories handle a monitor. */
    int precedence();

    /** Whether this source applies to the monitor's config (e.g. {@code mysql.password-file} is set). */
    boolean handles(MonitorConfig monitor);

    /** Makes the source for one monitor. No I/O here: the first fetch happens on first connect. */
    CredentialSource make(CredentialContext context);

    /**
     * A factory declared by its name, precedence and when it applies, as most are; it says only how
     * to make the source:
     *
     * <pre>{@code
     * public final class KeyringSourceFactory extends CredentialSourceFactory.Base {
     *     public KeyringSourceFactory() {
     *         super("keyring", 450, m -> !m.section("keyring").string("path").isEmpty());
     *     }
     *
     *     @Override
     *     public CredentialSource make(CredentialContext context) { ... }
     * }
     * }</pre>
     */
    abstract class Base implements CredentialSourceFactory {
        private final String name;
        private final int precedence;
        private final Predicate<MonitorConfig> handles;

        /** @param handles whether the source applies to a monitor; cheap, no I/O */
        protected Base(String name, int precedence, Predicate<MonitorConfig> handles) {
            this.name = Objects.requireNonNull(name, "name");
            this.precedence = precedence;
            this.handles = Objects.requireNonNull(handles, "handles");
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final int precedence() {
            return precedence;
        }

        @Override
        public final boolean handles(MonitorConfig monitor) {
            return handles.test(monitor);
        }
    }
}
