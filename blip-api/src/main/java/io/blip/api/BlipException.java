package io.blip.api;

/**
 * An error a person can act on: the message names what was wrong and how to fix it, and never holds
 * a secret. Plugins throw it for bad settings or unusable inputs.
 */
public class BlipException extends RuntimeException {
    public BlipException(String message) {
        super(message);
    }

    public BlipException(String message, Throwable cause) {
        super(message, cause);
    }
}
