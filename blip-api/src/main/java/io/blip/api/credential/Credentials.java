package io.blip.api.credential;

import io.blip.api.Secret;

import java.util.Objects;

/**
 * A MySQL user and password.
 *
 * @param username    the MySQL user
 * @param password    the password (empty for none, e.g. a {@code REQUIRE X509} user)
 * @param requiresTls true when the password must never travel in cleartext (an IAM token): the
 *                    runtime refuses to send it without TLS and enables the cleartext auth plugin
 *                    only over TLS
 */
public record Credentials(String username, Secret password, boolean requiresTls) {
    public Credentials {
        Objects.requireNonNull(username, "username");
        password = password == null ? Secret.empty() : password;
    }

    public static Credentials of(String username, Secret password) {
        return new Credentials(username, password, false);
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=" + password + "]";
    }
}
