package io.blip.api.monitor;

import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;

import java.time.Duration;
import java.util.List;

/**
 * Finds monitors beyond the config file (e.g. a cloud's database instances). Configured under
 * {@code monitor-loader.<name>}; the runtime applies monitor defaults, interpolation and validation
 * to what it returns, exactly as for monitors in the config file.
 */
public interface MonitorLoader {

    /** The loader name and its config key under {@code monitor-loader}, e.g. {@code files}. */
    String name();

    /** The keys of its {@code monitor-loader.<name>} node; the runtime checks the node against them. */
    OptionSet options();

    /** Whether the given {@code monitor-loader.<name>} node turns this loader on. */
    boolean enabled(Options config);

    /** The monitors found. Keys as in a Blip monitor: {@code id}, {@code hostname}, {@code tags}, ... */
    List<MonitorSpec> load(MonitorLoaderContext context) throws Exception;

    /**
     * How often Blip loads all its monitors again (a whole reload, as {@code SIGHUP} does) so that
     * this loader finds new instances and drops gone ones; zero (the default): only when asked.
     *
     * @param config the loader's checked options, as for {@link #enabled}
     */
    default Duration refresh(Options config) {
        return Duration.ZERO;
    }
}
