package io.blip.api.credential;

/** Why the runtime asks a credential source. */
public enum CredentialReason {
    /** A new connection; cached credentials are fine. */
    CONNECT,
    /** MySQL refused the last credentials (error 1045): fetch fresh ones, do not reuse a cache. */
    ACCESS_DENIED
}
