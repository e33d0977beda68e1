package io.blip.runtime.config;

import io.blip.api.config.OptionSet;
import io.blip.runtime.prom.ExporterSection;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the loaded plugins declare that a config must follow, besides Blip's own keys: each sink's
 * options ({@code sinks.<name>}, with the delivery options every sink has), each monitor loader's
 * ({@code monitor-loader.<name>}), and the monitor sections plugins own ({@code aws}), with Blip's
 * own {@code exporter} among them.
 *
 * @param sinks          sink options by sink name
 * @param monitorLoaders monitor loader options by loader name
 * @param sections       monitor sections by name
 * @param advice         what to say about a name that nothing declares
 */
public record Declarations(Map<String, OptionSet> sinks, Map<String, OptionSet> monitorLoaders,
                           Map<String, OptionSet> sections, Advice advice) {

    /** What to tell a user whose config names a sink, loader or section that no loaded plugin declares. */
    public interface Advice {
        /** {@code no monitor loader named 'x'. Available: [...]. It ships in plugins/x/; ...}. */
        String missingMonitorLoader(String name);

        /** {@code no sink named 'x'. Available: [...]. ...}, or why Blip's sink of that name is not supported yet. */
        String missingSink(String name);

        /** For a monitor key that is no section of Blip's: where the section named so ships, or null. */
        String missingSection(String name);
    }

    /** Nothing declared: no sink, no loader, no section. */
    public static final Declarations NONE = new Declarations(Map.of(), Map.of(), Map.of(), new Advice() {
        @Override
        public String missingMonitorLoader(String name) {
            return "no monitor loader named '" + name + "'";
        }

        @Override
        public String missingSink(String name) {
            return "no sink named '" + name + "'";
        }

        @Override
        public String missingSection(String name) {
            return null;
        }
    });

    public Declarations {
        sinks = Collections.unmodifiableMap(new LinkedHashMap<>(sinks));
        monitorLoaders = Collections.unmodifiableMap(new LinkedHashMap<>(monitorLoaders));
        var all = new LinkedHashMap<>(sections);
        // Blip's own exporter keys, declared as a section so that they are checked, defaulted and printed as one.
        all.putIfAbsent(ExporterSection.NAME, ExporterSection.OPTIONS);
        sections = Collections.unmodifiableMap(all);
        Objects.requireNonNull(advice, "advice");
    }

    /** These declarations with one more sink (for tests that bring their own). */
    public Declarations withSink(String name, OptionSet options) {
        var all = new LinkedHashMap<>(sinks);
        all.put(name, options);
        return new Declarations(all, monitorLoaders, sections, advice);
    }

    /** These declarations with one more monitor loader. */
    public Declarations withMonitorLoader(String name, OptionSet options) {
        var all = new LinkedHashMap<>(monitorLoaders);
        all.put(name, options);
        return new Declarations(sinks, all, sections, advice);
    }

    /** These declarations with one more monitor section. */
    public Declarations withSection(String name, OptionSet options) {
        var all = new LinkedHashMap<>(sections);
        all.put(name, options);
        return new Declarations(sinks, monitorLoaders, all, advice);
    }
}
