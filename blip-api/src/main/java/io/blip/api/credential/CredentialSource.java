package io.blip.api.credential;

/**
 * Gives a monitor's credentials. The runtime asks on every new physical connection; a source may
 * cache, and must fetch fresh credentials when asked with {@link CredentialReason#ACCESS_DENIED}.
 * Calls for one monitor never overlap.
 */
public interface CredentialSource extends AutoCloseable {

    /** The credentials to connect with. Exception messages must not contain a secret. */
    Credentials credentials(CredentialReason reason) throws Exception;

    /** Releases what the source holds (e.g. an HTTP client); called once when the monitor stops. */
    @Override
    default void close() {
    }
}
