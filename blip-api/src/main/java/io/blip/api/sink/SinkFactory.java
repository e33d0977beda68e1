package io.blip.api.sink;

import io.blip.api.config.OptionSet;

/**
 * Makes sinks of one kind, chosen by name in config ({@code sinks.<name>.<option>}). Found with
 * {@link java.util.ServiceLoader}; the constructor must be cheap and do no I/O.
 */
public interface SinkFactory {

    /** The sink name used in config, e.g. {@code log}. Unique among all loaded plugins. */
    String name();

    /** A one-line description for {@code --print-plugins}. */
    String description();

    /**
     * Whether this is the sink a monitor uses when its config names none (Blip's {@code log}). At
     * most one loaded sink may say so.
     */
    default boolean isDefault() {
        return false;
    }

    /**
     * The options it accepts under {@code sinks.<name>}; any other key is a boot error, secret
     * options are masked wherever config is shown.
     */
    OptionSet options();

    /**
     * Makes the sink of one configuration, shared by every monitor whose options are equal. Options
     * have been checked against {@link #options()}; a problem the declaration cannot express (two
     * options that do not go together) is a {@link io.blip.api.BlipException} naming the keys.
     */
    Sink<?> make(SinkContext context) throws Exception;
}
