package io.blip.api.sink;

import io.blip.api.config.OptionSet;
import java.util.Objects;

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

    /**
     * A factory declared by its name, description and options, as most are; it says only how to
     * make the sink:
     *
     * <pre>{@code
     * public final class WebhookSinkFactory extends SinkFactory.Base {
     *     public WebhookSinkFactory() {
     *         super("webhook", "POSTs each batch as JSON to a URL", WebhookOptions.OPTIONS);
     *     }
     *
     *     @Override
     *     public Sink<String> make(SinkContext context) { ... }
     * }
     * }</pre>
     */
    abstract class Base implements SinkFactory {
        private final String name;
        private final String description;
        private final OptionSet options;

        protected Base(String name, String description, OptionSet options) {
            this.name = Objects.requireNonNull(name, "name");
            this.description = Objects.requireNonNull(description, "description");
            this.options = Objects.requireNonNull(options, "options");
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final String description() {
            return description;
        }

        @Override
        public final OptionSet options() {
            return options;
        }
    }
}
