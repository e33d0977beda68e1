package io.blip.runtime.config;

import io.blip.api.BlipException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Blip's {@code api} section, with our additions {@code auth-token-file} and {@code tls.*}. File
 * paths are resolved against the config file's directory. The token itself is never held here (a
 * record prints its fields): {@link #readToken} reads it when the server binds.
 *
 * @param bind          where the API listens: {@code host:port} or {@code :port} (every address)
 * @param disable       no API at all
 * @param authTokenFile a file holding the bearer token every request must carry; empty for none
 * @param tlsCert       {@code api.tls.cert}: the server's certificate chain (PEM); empty for plain HTTP
 * @param tlsKey        {@code api.tls.key}: its private key (PEM)
 * @param tlsCa         {@code api.tls.ca}: CAs for client certificates, which are then required; empty for none
 */
public record ApiConfig(String bind, boolean disable, String authTokenFile, String tlsCert, String tlsKey,
                        String tlsCa) {
    public static final String DEFAULT_BIND = "127.0.0.1:7522";
    public static final ApiConfig DEFAULT = new ApiConfig(DEFAULT_BIND, false);

    public ApiConfig {
        bind = bind == null || bind.isEmpty() ? DEFAULT_BIND : bind;
        authTokenFile = authTokenFile == null ? "" : authTokenFile;
        tlsCert = tlsCert == null ? "" : tlsCert;
        tlsKey = tlsKey == null ? "" : tlsKey;
        tlsCa = tlsCa == null ? "" : tlsCa;
    }

    public ApiConfig(String bind, boolean disable) {
        this(bind, disable, "", "", "", "");
    }

    public boolean tls() {
        return !tlsCert.isEmpty();
    }

    /**
     * The bearer token in {@code file}: its content without surrounding white space.
     *
     * @throws BlipException naming {@code api.auth-token-file} and the file (never the token) when
     *                       it cannot be read, is empty or holds more than one line
     */
    public static String readToken(String file) {
        String token;
        try {
            token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new BlipException("api.auth-token-file: cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        if (token.isEmpty()) {
            throw new BlipException("api.auth-token-file: " + file + " is empty; write the token in it");
        }
        if (token.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new BlipException("api.auth-token-file: " + file + " holds white space or control characters"
                    + " inside the token; a bearer token is one word on one line");
        }
        return token;
    }
}
