package io.blip.runtime.tls;

/** A certificate or key file that cannot be used; the message names the file and never holds key material. */
final class PemException extends Exception {
    PemException(String message) {
        super(message);
    }

    PemException(String message, Throwable cause) {
        super(message, cause);
    }
}
