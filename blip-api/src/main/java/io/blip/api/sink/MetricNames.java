package io.blip.api.sink;

import io.blip.api.config.Options;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The names one monitor's metrics are sent as by a sink with a {@code metric-prefix} and a
 * {@code metric-translator}: {@code <prefix><domain>.<metric>}, or {@code <prefix><translated>} when
 * the translator gives a name. Each name is made once and kept, so it is used as an encoder is: by
 * one thread.
 */
public final class MetricNames {
    private final String prefix;
    private final MetricTranslator translator;
    private final Consumer<String> warn;
    private final Map<String, Map<String, String>> made = new HashMap<>();

    private MetricNames(String prefix, MetricTranslator translator, Consumer<String> warn) {
        this.prefix = prefix;
        this.translator = translator;
        this.warn = warn;
    }

    /**
     * @param prefix     put before every name ({@code metric-prefix}), literally
     * @param translator the sink's translator; null for Blip's names
     * @param warn       where a translator that fails is reported (once per metric; Blip's name is
     *                   sent instead)
     */
    public static MetricNames of(String prefix, MetricTranslator translator, Consumer<String> warn) {
        return new MetricNames(prefix == null ? "" : prefix, translator, warn);
    }

    /** The name a metric of a domain is sent as. */
    public String of(String domain, String metric) {
        return made.computeIfAbsent(domain, d -> new HashMap<>()).computeIfAbsent(metric, m -> make(domain, m));
    }

    private String make(String domain, String metric) {
        String name = null;
        if (translator != null) {
            try {
                name = translator.translate(domain, metric);
            } catch (RuntimeException e) {
                warn.accept("metric translator " + translator.name() + " failed on " + domain + "." + metric + ": "
                        + e + "; sent as " + prefix + domain + "." + metric);
            }
        }
        return prefix + (name == null || name.isBlank() ? domain + "." + metric : name);
    }

    /**
     * The translator a sink's option names, from those installed ({@link SinkContext#translators()});
     * null when the option is empty.
     * When none has that name, a problem naming the key, the value and the translators there are.
     */
    public static MetricTranslator translator(Options options, String key, Map<String, MetricTranslator> installed,
                                              List<String> problems) {
        String name = options.string(key).trim();
        if (name.isEmpty()) {
            return null;
        }
        MetricTranslator found = installed.get(name);
        if (found == null) {
            var names = installed.keySet().stream().sorted().toList();
            problems.add(options.where(key) + ": no metric translator named '" + name + "'. "
                    + (names.isEmpty() ? "None is installed" : "Installed: " + names)
                    + "; a translator is a plugin providing " + MetricTranslator.class.getName()
                    + ", its jar in a directory under plugins/");
        }
        return found;
    }
}
