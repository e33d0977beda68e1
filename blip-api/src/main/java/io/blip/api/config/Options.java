package io.blip.api.config;

import io.blip.api.Secret;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The options of one config node as a provider reads them: checked against their
 * {@link OptionSet}, defaults applied, typed, read-only. Made by {@link OptionSet#read}; the
 * runtime makes one for every node a provider owns ({@code sinks.webhook}, a plugin's section of a
 * monitor, {@code monitor-loader.<name>}).
 *
 * <p>A getter takes a declared name; asking for a name the declaration does not have, or as
 * another type than declared, is a mistake in the plugin and throws {@link IllegalArgumentException}.
 * Two views are equal when they hold the same values, wherever they were written: monitors whose
 * sink options are equal share one sink.
 */
public final class Options {
    /** Where a value came from. */
    public enum Source {
        /** The config file (or a monitor loader). */
        CONFIG,
        /** An environment variable or system property. */
        ENVIRONMENT,
        /** The declared default. */
        DEFAULT
    }

    /**
     * One value.
     *
     * @param value   typed: String, Boolean, Long, Duration, Path, {@code List<String>},
     *                {@code Map<String, String>} or Options for a section
     * @param source  where it came from
     * @param where   the config path ({@code sinks.webhook.url}) or the variable's name
     * @param written the value as written (text, list or map)
     */
    record Value(Object value, Source source, String where, Object written) {
        Value {
            Objects.requireNonNull(value, "value");
        }
    }

    private final String path;
    private final OptionSet declared;
    private final Map<String, Value> values;

    Options(String path, OptionSet declared, Map<String, Value> values) {
        this.path = path;
        this.declared = declared;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** No options at all, for a provider that declares none. */
    public static Options empty(String path) {
        return new Options(path, OptionSet.EMPTY, Map.of());
    }

    /** Where the node is in the config, e.g. {@code monitors[2].sinks.webhook}. */
    public String path() {
        return path;
    }

    /** The declaration the values were checked against. */
    public OptionSet declared() {
        return declared;
    }

    /** The config path of a key ({@code sinks.webhook.url}), for messages. */
    public String pathOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Where the value came from, for messages: its config path, or its environment variable. */
    public String where(String name) {
        Value v = values.get(declaredName(name));
        return v == null ? pathOf(name) : v.where();
    }

    /** Whether the config or the environment gave the option (not its default). */
    public boolean isSet(String name) {
        Value v = values.get(declaredName(name));
        return v != null && v.source() != Source.DEFAULT;
    }

    /** Whether the option has a value, given or default. */
    public boolean has(String name) {
        return values.containsKey(declaredName(name));
    }

    public Source source(String name) {
        Value v = values.get(declaredName(name));
        return v == null ? Source.DEFAULT : v.source();
    }

    /** Text; empty when it has no value. */
    public String string(String name) {
        Object v = get(name, Option.Type.STRING);
        return v == null ? "" : (String) v;
    }

    public Secret secret(String name) {
        return Secret.of(string(name));
    }

    public boolean bool(String name) {
        Object v = get(name, Option.Type.BOOLEAN);
        return v != null && (Boolean) v;
    }

    /** A whole number; declare a default or check {@link #has} first. */
    public long integer(String name) {
        return (Long) required(name, Option.Type.INTEGER);
    }

    /** A duration; declare a default or check {@link #has} first. */
    public Duration duration(String name) {
        return (Duration) required(name, Option.Type.DURATION);
    }

    /** Bytes; declare a default or check {@link #has} first. */
    public long size(String name) {
        return (Long) required(name, Option.Type.SIZE);
    }

    /** A file that existed when the config was read, resolved against the config file's directory. */
    public Optional<Path> file(String name) {
        return Optional.ofNullable((Path) get(name, Option.Type.PATH));
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        Object v = get(name, Option.Type.LIST);
        return v == null ? List.of() : (List<String>) v;
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> map(String name) {
        Object v = get(name, Option.Type.MAP);
        return v == null ? Map.of() : (Map<String, String>) v;
    }

    /** A section's options; every default when the config does not give it. */
    public Options section(String name) {
        Object v = get(name, Option.Type.SECTION);
        return v == null ? empty(pathOf(name)) : (Options) v;
    }

    /**
     * The values the config gave (not defaults, not the environment), as written: text, lists of
     * text, maps, and sections as maps; for printing the config. Secrets are as written too:
     * mask them with {@link OptionSet#get} and {@link Option#secret()}.
     */
    public Map<String, Object> written() {
        var out = new LinkedHashMap<String, Object>();
        values.forEach((name, v) -> {
            if (v.value() instanceof Options section) {
                Map<String, Object> inner = section.written();
                if (!inner.isEmpty()) {
                    out.put(name, inner);
                }
            } else if (v.source() == Source.CONFIG) {
                out.put(name, v.written());
            }
        });
        return Collections.unmodifiableMap(out);
    }

    private String declaredName(String name) {
        return declared.get(name).map(Option::name).orElseThrow(() -> new IllegalArgumentException(
                path + ": no option '" + name + "' is declared; declared: " + declared.keys()));
    }

    private Object get(String name, Option.Type type) {
        Option o = declared.get(name).orElseThrow(() -> new IllegalArgumentException(
                path + ": no option '" + name + "' is declared; declared: " + declared.keys()));
        boolean compatible = o.type() == type || (type == Option.Type.STRING && o.type() == Option.Type.PATH);
        if (!compatible) {
            throw new IllegalArgumentException(pathOf(name) + " is declared as " + o.type() + ", not " + type);
        }
        Value v = values.get(o.name());
        if (v == null) {
            return null;
        }
        return type == Option.Type.STRING && v.value() instanceof Path p ? p.toString() : v.value();
    }

    private Object required(String name, Option.Type type) {
        Object v = get(name, type);
        if (v == null) {
            throw new IllegalStateException(pathOf(name) + " has no value and no default; check has() first");
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Options other) || !declared.equals(other.declared)
                || !values.keySet().equals(other.values.keySet())) {
            return false;
        }
        return values.entrySet().stream()
                .allMatch(e -> e.getValue().value().equals(other.values.get(e.getKey()).value()));
    }

    @Override
    public int hashCode() {
        int h = declared.hashCode();
        for (Map.Entry<String, Value> e : values.entrySet()) {
            h = 31 * h + e.getKey().hashCode() ^ e.getValue().value().hashCode();
        }
        return h;
    }

    /** Names the keys only: values may hold secrets. */
    @Override
    public String toString() {
        return "Options[" + path + ": " + values.keySet() + "]";
    }
}
