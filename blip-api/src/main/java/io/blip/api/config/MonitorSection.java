package io.blip.api.config;

/**
 * A section of every monitor's config that a plugin owns, such as its cloud's keys: its keys may be set
 * per monitor and, like Blip's other sections, at the top level as every monitor's default. The
 * runtime checks them against {@link #options()} with the rest of the config and hands each
 * monitor's values to every provider through {@link MonitorConfig#section}. Found with
 * {@link java.util.ServiceLoader}; the constructor must be cheap and do no I/O.
 *
 * <p>Two plugins may declare parts of one section (the keys of both are allowed); a key both
 * declare must be declared the same way.
 */
public interface MonitorSection {

    /** The section's key in a monitor, e.g. {@code credentials}. */
    String name();

    /** A one-line description for {@code --print-plugins}. */
    String description();

    /** The section's keys. */
    OptionSet options();
}
