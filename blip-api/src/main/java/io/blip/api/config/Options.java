package io.blip.api.config;

import io.blip.api.BlipException;
import io.blip.api.Secret;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only view of one config node given to a plugin (e.g. {@code sinks.otlp} or
 * {@code monitor-loader.aws}), with typed getters whose errors name the full config path.
 * Values are strings, lists of strings, or nested {@code Options}.
 *
 * @param path   where the node is in the config, e.g. {@code monitors[2].sinks.otlp}
 * @param values the node's keys and values
 */
public record Options(String path, Map<String, Object> values) {

    public Options {
        path = path == null ? "" : path;
        var copy = new LinkedHashMap<String, Object>();
        if (values != null) {
            values.forEach((k, v) -> copy.put(k, check(k, v)));
        }
        values = Collections.unmodifiableMap(copy);
    }

    private static Object check(String key, Object v) {
        if (v instanceof String || v instanceof Options) {
            return v;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (v instanceof Map<?, ?> map) {
            var nested = new LinkedHashMap<String, Object>();
            map.forEach((k, val) -> nested.put(String.valueOf(k), val));
            return new Options(key, nested);
        }
        throw new IllegalArgumentException("option " + key + ": unsupported value type " + v.getClass().getName());
    }

    public static Options empty(String path) {
        return new Options(path, Map.of());
    }

    /** Options from a flat map of strings, as Blip passes sink options. */
    public static Options of(String path, Map<String, String> values) {
        return new Options(path, new LinkedHashMap<>(values));
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The full path of a key, for messages: {@code sinks.otlp.endpoint}. */
    public String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public Optional<String> string(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw new BlipException(pathOf(key) + ": expected a single value, got " + describe(v));
    }

    public String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    /** A secret value; it never prints. */
    public Optional<Secret> secret(String key) {
        return string(key).map(Secret::of);
    }

    /** true/false, yes/no, on/off, 1/0. */
    public boolean bool(String key, boolean fallback) {
        return string(key).map(v -> parseBool(pathOf(key), v)).orElse(fallback);
    }

    public Duration duration(String key, Duration fallback) {
        return string(key).map(v -> Durations.parse(pathOf(key), v)).orElse(fallback);
    }

    public int integer(String key, int fallback) {
        return string(key).map(v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new BlipException(pathOf(key) + ": '" + v + "' is not a whole number");
            }
        }).orElse(fallback);
    }

    /** A list of strings; a single value is a list of one. */
    public List<String> list(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        throw new BlipException(pathOf(key) + ": expected a list, got " + describe(v));
    }

    /** A nested node; empty when absent. */
    public Options node(String key) {
        Object v = values.get(key);
        if (v == null) {
            return empty(pathOf(key));
        }
        if (v instanceof Options o) {
            return new Options(pathOf(key), o.values());
        }
        throw new BlipException(pathOf(key) + ": expected a map of keys, got " + describe(v));
    }

    /** The values as a flat map of strings (nested nodes and lists are left out). */
    public Map<String, String> strings() {
        var out = new LinkedHashMap<String, String>();
        values.forEach((k, v) -> {
            if (v instanceof String s) {
                out.put(k, s);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    private static String describe(Object v) {
        return v instanceof List ? "a list" : v instanceof Options ? "a map" : "'" + v + "'";
    }

    /** Parses a Blip boolean: true/false, yes/no, on/off, 1/0 (any case). */
    public static boolean parseBool(String path, String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new BlipException(path + ": '" + v + "' is not a boolean; use true or false");
        };
    }

    @Override
    public String toString() {
        return "Options[" + path + ": " + values.keySet() + "]";
    }
}
