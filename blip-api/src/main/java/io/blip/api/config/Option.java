package io.blip.api.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One option a plugin declares: its key, the type of its value, its default, what it does, whether
 * it is a secret, the values it allows, and the environment variables or system properties it may
 * come from. A provider declares its options once ({@link OptionSet}); the runtime validates the
 * config against the declaration, reports every problem with its file and line, masks secrets in
 * every output, prints the declaration in {@code --print-plugins}, and hands the provider a typed,
 * read-only {@link Options} view with defaults applied.
 *
 * <pre>{@code
 * Option.duration("send-timeout", "Most time one request may take").withDefault("10s").positive()
 *       .alias("timeout").env("WEBHOOK_TIMEOUT")
 * }</pre>
 *
 * <p>Where a value comes from, first found wins: the config key (or an alias), then each system
 * property, then each environment variable, in the order declared (a flag on the JVM's command line
 * beats the environment, as in most Java tools), then the default. A duration from the environment may be
 * a whole number of milliseconds, the OpenTelemetry convention.
 *
 * @param name         the key, e.g. {@code endpoint}
 * @param type         what its value is
 * @param help         what it does, one line
 * @param defaultValue the value when none is given, as it would be written in the config; empty for none
 * @param secret       true for passwords, tokens, API keys: masked wherever config is shown
 * @param values       the allowed values with their meaning; empty allows any value of the type
 * @param env          environment variables it may come from, in order, after the system properties
 * @param properties   system properties it may come from, in order
 * @param aliases      other keys that mean the same (older names)
 * @param children     for a {@link Type#SECTION}: the keys inside
 * @param min          the least value allowed, written like a value (e.g. {@code 1}, {@code 1KiB}); empty for none
 * @param pattern      a regular expression the whole value must match; null for any
 * @param patternHelp  what to say when the value does not match, e.g. {@code is not an IAM role ARN; write ...}
 * @param required     when the option must be given if its section is; the text says how
 * @param configurable false for an option that only the environment can set (no config key)
 */
public record Option(String name, Type type, String help, String defaultValue, boolean secret,
                     Map<String, String> values, List<String> env, List<String> properties, List<String> aliases,
                     OptionSet children, String min, Pattern pattern, String patternHelp, String required,
                     boolean configurable) {

    /** What an option's value is. */
    public enum Type {
        /** Any text. */
        STRING("a single value"),
        /** {@code true}/{@code false}, {@code yes}/{@code no}, {@code on}/{@code off}, {@code 1}/{@code 0}. */
        BOOLEAN("true or false"),
        /** A whole number. */
        INTEGER("a whole number"),
        /** A Go duration: {@code 5s}, {@code 250ms}, {@code 1m30s}. */
        DURATION("a duration like 5s"),
        /** A number of bytes: {@code 1048576}, {@code 512KiB}, {@code 64MiB}, {@code 1GiB}, {@code 16MB}. */
        SIZE("a size like 64MiB"),
        /** A file, relative to the config file's directory; it must exist. */
        PATH("a file"),
        /** A list of values; a single value is a list of its comma-separated parts. */
        LIST("a list of values"),
        /** A map of text values; written as a map, or as {@code key=value,key2=value2} (values URL-encoded). */
        MAP("a map of values"),
        /** A map of declared keys. */
        SECTION("a map of keys");

        private final String description;

        Type(String description) {
            this.description = description;
        }

        /** What the type is, for help and messages: {@code a duration like 5s}. */
        public String description() {
            return description;
        }
    }

    public Option {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isBlank()) {
            throw new IllegalArgumentException("an option needs a name");
        }
        help = help == null ? "" : help;
        defaultValue = defaultValue == null ? "" : defaultValue;
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values == null ? Map.of() : values));
        env = List.copyOf(env == null ? List.of() : env);
        properties = List.copyOf(properties == null ? List.of() : properties);
        aliases = List.copyOf(aliases == null ? List.of() : aliases);
        children = children == null ? OptionSet.EMPTY : children;
        min = min == null ? "" : min;
        patternHelp = patternHelp == null ? "" : patternHelp;
        required = required == null ? "" : required;
        if (type == Type.SECTION && !defaultValue.isEmpty()) {
            throw new IllegalArgumentException(name + ": a section has no default value");
        }
    }

    /** This declaration, once its default is checked against its type and constraints. */
    private Option checked() {
        if (!defaultValue.isEmpty()) {
            String problem = OptionValues.check(this, defaultValue);
            if (problem != null) {
                throw new IllegalArgumentException(name + ": the default " + problem);
            }
        }
        return this;
    }

    private static Option of(String name, Type type, String help) {
        return new Option(name, type, help, "", false, Map.of(), List.of(), List.of(), List.of(), OptionSet.EMPTY, "",
                null, "", "", true);
    }

    /** Any text. */
    public static Option string(String name, String help) {
        return of(name, Type.STRING, help);
    }

    /** One of the given values: pairs of value and meaning, e.g. {@code "gzip", "compress requests", ...}. */
    public static Option oneOf(String name, String help, String... valueAndMeaning) {
        if (valueAndMeaning.length == 0 || valueAndMeaning.length % 2 != 0) {
            throw new IllegalArgumentException(name + ": allowed values come in pairs of value and meaning");
        }
        var values = new LinkedHashMap<String, String>();
        for (int i = 0; i < valueAndMeaning.length; i += 2) {
            values.put(valueAndMeaning[i], valueAndMeaning[i + 1]);
        }
        return of(name, Type.STRING, help).withValues(values);
    }

    public static Option bool(String name, String help) {
        return of(name, Type.BOOLEAN, help).withDefault("false");
    }

    public static Option integer(String name, String help) {
        return of(name, Type.INTEGER, help);
    }

    public static Option duration(String name, String help) {
        return of(name, Type.DURATION, help);
    }

    public static Option size(String name, String help) {
        return of(name, Type.SIZE, help);
    }

    /** A file that must exist; a relative path is relative to the config file's directory. */
    public static Option path(String name, String help) {
        return of(name, Type.PATH, help);
    }

    public static Option list(String name, String help) {
        return of(name, Type.LIST, help);
    }

    public static Option map(String name, String help) {
        return of(name, Type.MAP, help);
    }

    /** A map of the given keys. */
    public static Option section(String name, String help, OptionSet children) {
        return new Option(name, Type.SECTION, help, "", false, Map.of(), List.of(), List.of(), List.of(), children, "",
                null, "", "", true);
    }

    public Option withDefault(String value) {
        return new Option(name, type, help, value, secret, values, env, properties, aliases, children, min, pattern,
                patternHelp, required, configurable).checked();
    }

    /** A password, token or API key: masked in every output. For a map, every value is. */
    public Option asSecret() {
        return new Option(name, type, help, defaultValue, true, values, env, properties, aliases, children, min,
                pattern, patternHelp, required, configurable);
    }

    private Option withValues(Map<String, String> allowed) {
        return new Option(name, type, help, defaultValue, secret, allowed, env, properties, aliases, children, min,
                pattern, patternHelp, required, configurable).checked();
    }

    /** Environment variables the value may come from when the config does not give it, in order. */
    public Option env(String... variables) {
        return new Option(name, type, help, defaultValue, secret, values, List.of(variables), properties, aliases,
                children, min, pattern, patternHelp, required, configurable);
    }

    /** System properties the value may come from, before the environment variables. */
    public Option property(String... names) {
        return new Option(name, type, help, defaultValue, secret, values, env, List.of(names), aliases, children, min,
                pattern, patternHelp, required, configurable);
    }

    /** Other keys that mean the same, e.g. the name an option had before. */
    public Option alias(String... names) {
        return new Option(name, type, help, defaultValue, secret, values, env, properties, List.of(names), children,
                min, pattern, patternHelp, required, configurable);
    }

    /** The least value allowed, written like a value ({@code 1}, {@code 1KiB}, {@code 1ms}). */
    public Option atLeast(String least) {
        Option o = new Option(name, type, help, defaultValue, secret, values, env, properties, aliases, children, least,
                pattern, patternHelp, required, configurable);
        String problem = OptionValues.check(o.withoutMin(), least);
        if (problem != null) {
            throw new IllegalArgumentException(name + ": the least value " + problem);
        }
        return o.checked();
    }

    /** More than zero: a duration of at least 1 ns. */
    public Option positive() {
        return atLeast(type == Type.DURATION ? "1ns" : "1");
    }

    private Option withoutMin() {
        return new Option(name, type, help, defaultValue, secret, values, env, properties, aliases, children, "",
                pattern, patternHelp, required, configurable);
    }

    /**
     * The whole value must match {@code regex}; otherwise the problem is the value quoted, then
     * {@code problem} (e.g. {@code is not a URL; write it like https://host/path}).
     */
    public Option matching(String regex, String problem) {
        return new Option(name, type, help, defaultValue, secret, values, env, properties, aliases, children, min,
                Pattern.compile(regex), problem, required, configurable).checked();
    }

    /**
     * Must be given whenever its section is given (a section given in a monitor's defaults may
     * leave it to each monitor). {@code howTo} follows "{@code <name> is not set; }".
     */
    public Option required(String howTo) {
        return new Option(name, type, help, defaultValue, secret, values, env, properties, aliases, children, min,
                pattern, patternHelp, howTo, configurable);
    }

    /** Only the environment can set it (its env variables or system properties); the config cannot. */
    public Option environmentOnly() {
        return new Option(name, type, help, defaultValue, secret, values, env, properties, aliases, children, min,
                pattern, patternHelp, required, false);
    }

    /** Whether {@code value} is one of the allowed values (any, when none are declared). */
    public boolean allows(String value) {
        return values.isEmpty() || values.containsKey(value);
    }

    /**
     * Why {@code value} (as written in the config) is not a valid value of this option, e.g.
     * {@code 'x' is not a duration; write it like 5s, 250ms, 1m30s or 1h}; null when it is valid.
     * A secret's value is never in the message.
     */
    public String problem(String value) {
        return OptionValues.check(this, value);
    }

    /** The same declaration under another name (for a key that two names share). */
    Option renamed(String newName) {
        return new Option(newName, type, help, defaultValue, secret, values, env, properties, aliases, children, min,
                pattern, patternHelp, required, configurable);
    }

    /** Whether two declarations of the same key agree on everything but the help text. */
    boolean agrees(Option other) {
        return name.equals(other.name) && type == other.type && defaultValue.equals(other.defaultValue)
                && secret == other.secret && values.keySet().equals(other.values.keySet()) && env.equals(other.env)
                && properties.equals(other.properties) && min.equals(other.min) && configurable == other.configurable
                && Objects.equals(pattern == null ? null : pattern.pattern(),
                        other.pattern == null ? null : other.pattern.pattern());
    }

    /** Parses a Blip boolean: true/false, yes/no, on/off, 1/0 (any case); null when it is none of them. */
    public static Boolean parseBool(String text) {
        return OptionValues.bool(text);
    }
}
