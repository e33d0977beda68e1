package io.blip.runtime.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of a parsed config or plan file, whatever its format (YAML or HOCON): a map, a list or
 * a scalar, each knowing where it was written and its key path ({@code monitors[0].tags.env}).
 * Scalars are kept as the text the user wrote, so that {@code yes}, {@code 5s} and {@code 3306}
 * reach the code that knows what they mean.
 */
public sealed interface ConfigNode {

    Origin origin();

    /** The key path, e.g. {@code monitors[0].sinks.log}; empty for a file's root. */
    String path();

    /** A map of keys in file order. */
    record MapNode(Origin origin, String path, Map<String, ConfigNode> entries) implements ConfigNode {
        public MapNode {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(path, "path");
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public static MapNode empty(Origin origin, String path) {
            return new MapNode(origin, path, Map.of());
        }

        public Optional<ConfigNode> get(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        /** The child map; an empty map when the key is absent, null or not a map. */
        public MapNode map(String key) {
            return entries.get(key) instanceof MapNode m ? m : empty(origin, child(path, key));
        }

        /** The child scalar's text; empty when absent, null or not a scalar. */
        public String text(String key) {
            return entries.get(key) instanceof ScalarNode s && s.value() != null ? s.value() : "";
        }
    }

    /** A list of nodes. */
    record ListNode(Origin origin, String path, List<ConfigNode> items) implements ConfigNode {
        public ListNode {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(path, "path");
            items = List.copyOf(items);
        }
    }

    /**
     * A single value.
     *
     * @param value the text as written; null for YAML {@code ~}/empty or HOCON {@code null}
     */
    record ScalarNode(Origin origin, String path, String value) implements ConfigNode {
        public ScalarNode {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(path, "path");
        }

        /** Whether no value was given: null or the empty string (Blip treats both as "not set"). */
        public boolean isEmpty() {
            return value == null || value.isEmpty();
        }

        public ScalarNode withValue(String newValue) {
            return new ScalarNode(origin, path, newValue);
        }
    }

    /** What kind of node this is, for messages: {@code a map}, {@code a list}, {@code a single value}. */
    default String kind() {
        return switch (this) {
            case MapNode m -> "a map";
            case ListNode l -> "a list";
            case ScalarNode s -> "a single value";
        };
    }

    /** The last key of the path ({@code endpoint} for {@code sinks.otlp.endpoint}). */
    default String key() {
        String p = path();
        int dot = p.lastIndexOf('.');
        return dot < 0 ? p : p.substring(dot + 1);
    }

    /**
     * The node as plain values, without origins: maps, lists, strings (a null scalar is the empty
     * string). Used to compare configs written in different formats.
     */
    default Object plain() {
        return switch (this) {
            case MapNode m -> {
                var out = new LinkedHashMap<String, Object>();
                m.entries().forEach((k, v) -> out.put(k, v.plain()));
                yield out;
            }
            case ListNode l -> {
                var out = new ArrayList<>();
                l.items().forEach(i -> out.add(i.plain()));
                yield out;
            }
            case ScalarNode s -> s.value() == null ? "" : s.value();
        };
    }

    /** The path of a key under {@code parent}. */
    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** The path of a list item under {@code parent}. */
    static String item(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
