package io.blip.api.tls;

/**
 * A certificate or key file that {@link Pem} cannot use. The message names the file and says how to
 * fix it; it never holds key material, so it may be logged and shown as it is.
 */
public final class PemException extends Exception {
    PemException(String message) {
        super(message);
    }

    PemException(String message, Throwable cause) {
        super(message, cause);
    }
}
