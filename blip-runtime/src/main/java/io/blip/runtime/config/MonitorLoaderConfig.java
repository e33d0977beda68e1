package io.blip.runtime.config;

import io.blip.api.config.Options;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Blip's {@code monitor-loader} section.
 *
 * @param files                monitor files as written (already loaded into {@link BlipConfig#monitors()})
 * @param stopLoss             {@code N} or {@code N%}; empty for none
 * @param shard                {@code i/N} or {@code auto} ({@link Shard}); empty for every monitor
 * @param localDisableAuto     do not auto-detect a local MySQL when no monitor is configured
 * @param localDisableAutoRoot do not try user {@code root} when auto-detecting
 * @param plugins              every other {@code monitor-loader.<name>} node (e.g. {@code aws}), by name,
 *                             for the monitor loader plugin of that name to validate and use
 */
public record MonitorLoaderConfig(List<String> files, String stopLoss, String shard, boolean localDisableAuto,
                                  boolean localDisableAutoRoot, Map<String, Options> plugins) {
    public static final MonitorLoaderConfig EMPTY = new MonitorLoaderConfig(List.of(), "", "", false, false,
            Map.of());

    public MonitorLoaderConfig {
        files = List.copyOf(files == null ? List.of() : files);
        stopLoss = stopLoss == null ? "" : stopLoss;
        shard = shard == null ? "" : shard.strip();
        plugins = Collections.unmodifiableMap(new LinkedHashMap<>(plugins == null ? Map.of() : plugins));
    }
}
