package io.blip.api.collect;

/**
 * Makes collectors for one metric domain. Found with {@link java.util.ServiceLoader}; the
 * constructor must be cheap and do no I/O.
 */
public interface CollectorFactory {

    /** The domain name, e.g. {@code status.global}: the help's. Unique among all loaded plugins. */
    default String domain() {
        return help().domain();
    }

    /**
     * What the domain collects and accepts: options with allowed values and defaults, metrics with
     * types, groups, meta and error policies. Drives plan validation and {@code --print-domains}.
     */
    CollectorHelp help();

    /** Makes a collector for one monitor. Called once per monitor that collects this domain. */
    Collector make(CollectorContext context);
}
