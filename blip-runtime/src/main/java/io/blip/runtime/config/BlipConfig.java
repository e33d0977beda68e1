package io.blip.runtime.config;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;
import io.blip.api.config.PlansConfig;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded Blip config: the server settings, the shared plan settings, and the final monitors.
 *
 * @param file          the config file; null when Blip runs without one
 * @param api           the API settings
 * @param httpProxy     {@code http.proxy}: the proxy for sinks' HTTP clients; empty for none
 * @param monitorLoader the monitor loader settings
 * @param plans         the top-level {@code plans}: shared plans for every monitor
 * @param sinks         the top-level {@code sinks}, by sink name (also each monitor's default sinks)
 * @param monitors      the monitors of {@code monitors} and {@code monitor-loader.files}: defaults
 *                      merged, interpolated, validated
 * @param defaults      the monitor defaults, to apply to monitors found later (plugin monitor
 *                      loaders, local auto-detection)
 * @param log           the {@code logging} section, and the secrets no log line may show
 */
public record BlipConfig(Path file, ApiConfig api, String httpProxy, MonitorLoaderConfig monitorLoader,
                         PlansConfig plans, Map<String, Options> sinks, List<MonitorConfig> monitors,
                         MonitorDefaults defaults, LogConfig log) {

    public BlipConfig {
        api = api == null ? ApiConfig.DEFAULT : api;
        httpProxy = httpProxy == null ? "" : httpProxy;
        monitorLoader = monitorLoader == null ? MonitorLoaderConfig.EMPTY : monitorLoader;
        plans = plans == null ? PlansConfig.EMPTY : plans;
        sinks = Collections.unmodifiableMap(new LinkedHashMap<>(sinks == null ? Map.of() : sinks));
        monitors = List.copyOf(monitors == null ? List.of() : monitors);
        Objects.requireNonNull(defaults, "defaults");
        log = log == null ? LogConfig.DEFAULT : log;
    }

    /** Like the record's, with the proxy's user info masked (secrets live in monitors as {@code Secret}s). */
    @Override
    public String toString() {
        return "BlipConfig[file=" + file + ", api=" + api + ", httpProxy=" + Secrets.maskUrl(httpProxy)
                + ", monitorLoader=" + monitorLoader + ", plans=" + plans + ", sinks=" + sinks + ", monitors=" + monitors
                + ", defaults=" + defaults + ", log=" + log.withoutMasked() + "]";
    }

    /** The directory relative paths in the config are resolved against. */
    public Path baseDir() {
        return ConfigLoader.baseDirOf(file);
    }
}
