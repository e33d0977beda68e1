package io.blip.runtime.plugin;

import java.util.Objects;

/**
 * One provider found by {@link Plugins}: what it is called, what it makes and where it came from.
 *
 * @param name     the name config uses for it (a collector's domain, a sink's name, ...)
 * @param kind     {@code collector}, {@code sink}, {@code credential-source}, {@code region-resolver},
 *                 {@code tls-provider} or {@code monitor-loader}
 * @param instance the provider itself (cheap by contract: it makes the real thing on demand)
 * @param module   the name of the module that provides it
 * @param origin   {@code boot}, or the plugin directory it was loaded from, as given (e.g. {@code plugins/aws})
 */
public record Provider<T>(String name, String kind, T instance, String module, String origin) {

    public static final String BOOT = "boot";

    public Provider {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(origin, "origin");
    }
}
