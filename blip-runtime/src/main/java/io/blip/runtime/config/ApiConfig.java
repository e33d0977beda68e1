package io.blip.runtime.config;

/**
 * Blip's {@code api} section.
 *
 * @param bind    where the API listens: {@code host:port} or {@code :port}
 * @param disable no API at all
 */
public record ApiConfig(String bind, boolean disable) {
    public static final String DEFAULT_BIND = "127.0.0.1:7522";
    public static final ApiConfig DEFAULT = new ApiConfig(DEFAULT_BIND, false);

    public ApiConfig {
        bind = bind == null || bind.isEmpty() ? DEFAULT_BIND : bind;
    }
}
