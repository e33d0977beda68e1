package io.blip.api.config;

import io.blip.api.BlipException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The options of one config node, declared once by the provider that reads them: a sink's
 * {@code sinks.<name>}, a monitor loader's {@code monitor-loader.<name>}, a plugin's section of
 * every monitor (such as a cloud provider's keys), a domain's plan options. {@link #read} checks what the config gives
 * against the declaration, all problems at once, and makes the typed {@link Options} view.
 */
public final class OptionSet {
    /** No options: any key given is unknown. */
    public static final OptionSet EMPTY = new OptionSet(List.of());

    private final Map<String, Option> options;
    private final Map<String, String> aliases;

    private OptionSet(List<Option> declared) {
        var byName = new LinkedHashMap<String, Option>();
        var alias = new LinkedHashMap<String, String>();
        for (Option o : declared) {
            if (byName.put(o.name(), o) != null) {
                throw new IllegalArgumentException("option " + o.name() + " is declared twice");
            }
            for (String a : o.aliases()) {
                alias.put(a, o.name());
            }
        }
        alias.keySet().forEach(a -> {
            if (byName.containsKey(a)) {
                throw new IllegalArgumentException("alias " + a + " is also an option");
            }
        });
        this.options = Collections.unmodifiableMap(byName);
        this.aliases = Collections.unmodifiableMap(alias);
    }

    public static OptionSet of(Option... declared) {
        return declared.length == 0 ? EMPTY : new OptionSet(List.of(declared));
    }

    public static OptionSet of(List<Option> declared) {
        return declared.isEmpty() ? EMPTY : new OptionSet(declared);
    }

    /** These options and {@code more}; an option of {@code more} replaces one of the same name here. */
    public OptionSet with(OptionSet more) {
        var all = new LinkedHashMap<>(options);
        more.options.values().forEach(o -> all.put(o.name(), o));
        return new OptionSet(List.copyOf(all.values()));
    }

    /**
     * The options of two declarations of one node (e.g. two plugins' parts of one
     * section): sections merge key by key; a key both declare must agree on its type, default,
     * secrecy, allowed values and sources.
     *
     * @throws IllegalArgumentException naming the first key they disagree on
     */
    public OptionSet merge(OptionSet other) {
        var all = new LinkedHashMap<>(options);
        for (Option o : other.options.values()) {
            Option mine = all.get(o.name());
            if (mine == null) {
                all.put(o.name(), o);
            } else if (mine.type() == Option.Type.SECTION && o.type() == Option.Type.SECTION) {
                all.put(o.name(), Option.section(o.name(), mine.help().isEmpty() ? o.help() : mine.help(),
                        mine.children().merge(o.children())));
            } else if (!mine.agrees(o)) {
                throw new IllegalArgumentException(o.name() + " is declared twice, differently (" + mine.type()
                        + " default '" + mine.defaultValue() + "' and " + o.type() + " default '" + o.defaultValue()
                        + "')");
            }
        }
        return new OptionSet(List.copyOf(all.values()));
    }

    /** The declared options, in declaration order. */
    public List<Option> options() {
        return List.copyOf(options.values());
    }

    /** The option of a key or one of its aliases. */
    public Optional<Option> get(String key) {
        Option o = options.get(key);
        if (o == null && aliases.containsKey(key)) {
            o = options.get(aliases.get(key));
        }
        return Optional.ofNullable(o);
    }

    public boolean isEmpty() {
        return options.isEmpty();
    }

    /** The keys a config may set here (options the environment alone sets are not keys). */
    public List<String> keys() {
        return options.values().stream().filter(Option::configurable).map(Option::name).toList();
    }

    /**
     * What the config gives for one node, and how to read it.
     *
     * @param path       the node's config path, e.g. {@code monitors[0].sinks.webhook}
     * @param values     what the config gives: text, lists of text, maps (nested sections)
     * @param env        environment variables that declared options may come from
     * @param properties system properties that declared options may come from
     * @param baseDir    where relative files are resolved (the config file's directory)
     * @param where      where a key (relative to the node, e.g. {@code assume-role.role-arn}) was
     *                   written, as a problem starts: {@code blip.yaml:12: monitors[0].sinks.webhook.url};
     *                   empty to use {@code path} and the key
     * @param partial    true for a monitor default: required keys may come from each monitor
     */
    public record Input(String path, Map<String, ?> values, Map<String, String> env, Map<String, String> properties,
                        Path baseDir, Function<String, String> where, boolean partial) {
        public Input {
            path = path == null ? "" : path;
            values = values == null ? Map.of() : values;
            env = env == null ? Map.of() : env;
            properties = properties == null ? Map.of() : properties;
            baseDir = baseDir == null ? Path.of("") : baseDir;
            where = where == null ? key -> "" : where;
        }

        /** Values at a path, with no environment, relative files from the working directory. */
        public static Input of(String path, Map<String, ?> values) {
            return new Input(path, values, Map.of(), Map.of(), Path.of(""), null, false);
        }

        public Input withEnv(Map<String, String> newEnv) {
            return new Input(path, values, newEnv, properties, baseDir, where, partial);
        }

        public Input withBaseDir(Path dir) {
            return new Input(path, values, env, properties, dir, where, partial);
        }
    }

    /**
     * Checks the given values against the declaration and makes the view, defaults applied.
     *
     * @throws OptionsException listing every problem, each as {@code [<file:line>: ]<path.key>: <what>}
     */
    public Options read(Input in) throws OptionsException {
        var problems = new ArrayList<String>();
        Options options = read(in, problems);
        if (!problems.isEmpty()) {
            throw new OptionsException(problems);
        }
        return options;
    }

    /** Like {@link #read(Input)}, adding problems to {@code problems} instead of throwing. */
    public Options read(Input in, List<String> problems) {
        return new Reader(in, problems).read(this, "", in.values());
    }

    /** The view with every default and nothing given; {@code path} for messages. */
    public Options defaults(String path) {
        return read(Input.of(path, Map.of()));
    }

    /**
     * The message for a key that is not declared: the closest known key when it is likely a typo,
     * else the known keys.
     */
    public static String unknownKey(String key, Collection<String> known) {
        if (known.isEmpty()) {
            return "unknown key; nothing can be set here";
        }
        String squashed = squash(key);
        return known.stream()
                .filter(k -> squash(k).equals(squashed) || distance(key, k) <= Math.min(2, Math.max(1, k.length() / 3)))
                .min(Comparator.comparingInt(k -> distance(key, k)))
                .map(k -> "unknown key; did you mean " + k + "?")
                .orElseGet(() -> "unknown key; valid keys here: " + String.join(", ", known));
    }

    /** Lower case without separators, so that {@code password_file} and {@code passwordFile} match. */
    private static String squash(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OptionSet other && options.equals(other.options);
    }

    @Override
    public int hashCode() {
        return options.hashCode();
    }

    @Override
    public String toString() {
        return "OptionSet" + options.keySet();
    }

    /** One reading of a node and its sections. */
    private static final class Reader {
        private final Input in;
        private final List<String> problems;

        Reader(Input in, List<String> problems) {
            this.in = in;
            this.problems = problems;
        }

        Options read(OptionSet declared, String prefix, Map<String, ?> given) {
            for (String key : given.keySet()) {
                Optional<Option> o = declared.get(key);
                if (o.isEmpty() || !o.get().configurable()) {
                    problem(prefix + key, unknownKey(key, declared.keys()));
                }
            }
            var values = new LinkedHashMap<String, Options.Value>();
            for (Option o : declared.options.values()) {
                Options.Value v = value(o, prefix, given);
                if (v != null) {
                    values.put(o.name(), v);
                }
            }
            return new Options(join(in.path(), stripDot(prefix)), declared, values);
        }

        private Options.Value value(Option o, String prefix, Map<String, ?> given) {
            String key = prefix + o.name();
            Object raw = null;
            String rawKey = key;
            if (o.configurable()) {
                for (String name : names(o)) {
                    Object v = given.get(name);
                    if (isGiven(v)) {
                        if (raw != null) {
                            problem(prefix + name, "set only one of " + o.name() + " and " + name + ", which mean the same");
                            continue;
                        }
                        raw = v;
                        rawKey = prefix + name;
                    }
                }
            }
            if (raw != null) {
                Object typed = fromConfig(o, rawKey, raw);
                return typed == null ? null : new Options.Value(typed, Options.Source.CONFIG, join(in.path(), rawKey), raw);
            }
            for (String property : o.properties()) {
                String v = in.properties().get(property);
                if (v != null && !v.isBlank()) {
                    Object typed = fromEnvironment(o, property, v);
                    return typed == null ? null : new Options.Value(typed, Options.Source.ENVIRONMENT, property, v);
                }
            }
            for (String variable : o.env()) {
                String v = in.env().get(variable);
                if (v != null && !v.isBlank()) {
                    Object typed = fromEnvironment(o, variable, v);
                    return typed == null ? null : new Options.Value(typed, Options.Source.ENVIRONMENT, variable, v);
                }
            }
            if (o.type() == Option.Type.SECTION) {
                return new Options.Value(read(o.children(), key + ".", Map.of()), Options.Source.DEFAULT,
                        join(in.path(), key), Map.of());
            }
            if (!o.required().isEmpty() && !in.partial() && !given.isEmpty()) {
                problem(stripDot(prefix), o.name() + " is not set; " + o.required());
            }
            if (o.defaultValue().isEmpty()) {
                return null;
            }
            return new Options.Value(single(o, key, o.defaultValue(), in.baseDir(), false), Options.Source.DEFAULT,
                    join(in.path(), key), o.defaultValue());
        }

        private static List<String> names(Option o) {
            var names = new ArrayList<String>();
            names.add(o.name());
            names.addAll(o.aliases());
            return names;
        }

        /** An empty value ({@code key:} in YAML, or "") is not given, as in Blip. */
        private static boolean isGiven(Object v) {
            return v != null && !(v instanceof String s && s.isEmpty());
        }

        private Object fromConfig(Option o, String key, Object raw) {
            return switch (o.type()) {
                case SECTION -> raw instanceof Map<?, ?> m ? read(o.children(), key + ".", strings(m))
                        : wrongShape(key, raw, "a map of keys");
                case LIST -> switch (raw) {
                    case List<?> l -> items(o, key, l.stream().map(String::valueOf).toList());
                    case Map<?, ?> m -> wrongShape(key, raw, "a list of values");
                    default -> items(o, key, OptionValues.split(String.valueOf(raw)));
                };
                case MAP -> switch (raw) {
                    case Map<?, ?> m -> map(o, key, strings(m));
                    case List<?> l -> wrongShape(key, raw, "a map of values");
                    default -> map(o, key, keyValues(o, key, String.valueOf(raw)));
                };
                default -> raw instanceof String s ? single(o, key, s, in.baseDir(), true)
                        : wrongShape(key, raw, "a single value");
            };
        }

        private Object fromEnvironment(Option o, String variable, String text) {
            return switch (o.type()) {
                case LIST -> itemsFrom(o, variable, OptionValues.split(text));
                case MAP -> {
                    var found = new ArrayList<String>();
                    Map<String, String> map = OptionValues.keyValues(o, text, found);
                    found.forEach(p -> problems.add(variable + ": " + p));
                    yield found.isEmpty() ? map : null;
                }
                case DURATION -> {
                    Long millis = OptionValues.integer(text);
                    if (millis != null) {
                        yield java.time.Duration.ofMillis(millis);
                    }
                    String problem = o.problem(text);
                    if (problem != null) {
                        problems.add(variable + ": " + OptionValues.quote(o, text)
                                + " is not milliseconds or a duration like 5s");
                        yield null;
                    }
                    yield OptionValues.typed(o.type(), text);
                }
                case SECTION -> {
                    problems.add(variable + ": " + o.name() + " is a section; it cannot come from the environment");
                    yield null;
                }
                default -> {
                    String problem = o.problem(text);
                    if (problem != null) {
                        problems.add(variable + ": " + problem);
                        yield null;
                    }
                    yield o.type() == Option.Type.PATH ? file(variable + ": ", text.trim(), Path.of(""))
                            : OptionValues.typed(o.type(), text);
                }
            };
        }

        private Object single(Option o, String key, String text, Path base, boolean report) {
            String problem = o.problem(text);
            if (problem != null) {
                if (report) {
                    problem(key, problem);
                }
                return null;
            }
            return o.type() == Option.Type.PATH ? file(at(key), text.trim(), base) : OptionValues.typed(o.type(), text);
        }

        /**
         * A file relative to {@code base}; it must be a regular file.
         *
         * @param at how a problem starts: {@code <file:line>: <path>: } or {@code <VARIABLE>: }
         */
        private Path file(String at, String text, Path base) {
            Path path = base.resolve(text).normalize();
            if (!Files.isRegularFile(path)) {
                String what = Files.isDirectory(path) ? "is a directory, not a file" : "does not exist";
                problems.add(at + "file " + path + " " + what);
                return null;
            }
            return path;
        }


        private List<String> itemsFrom(Option o, String variable, List<String> items) {
            var out = new ArrayList<String>();
            for (String item : items) {
                String problem = o.problem(item);
                if (problem != null) {
                    problems.add(variable + ": " + problem);
                } else {
                    out.add(item);
                }
            }
            return List.copyOf(out);
        }

        private List<String> items(Option o, String key, List<String> items) {
            var out = new ArrayList<String>();
            for (int i = 0; i < items.size(); i++) {
                String problem = o.problem(items.get(i));
                if (problem != null) {
                    problem(key + "[" + i + "]", problem);
                } else {
                    out.add(items.get(i).trim());
                }
            }
            return List.copyOf(out);
        }

        private Map<String, String> keyValues(Option o, String key, String text) {
            var found = new ArrayList<String>();
            Map<String, String> map = OptionValues.keyValues(o, text, found);
            found.forEach(p -> problem(key, p));
            return map;
        }

        private Map<String, String> map(Option o, String key, Map<String, ?> values) {
            var out = new LinkedHashMap<String, String>();
            values.forEach((k, v) -> {
                if (v instanceof Map<?, ?> || v instanceof List<?>) {
                    wrongShape(key + "." + k, v, "a single value");
                } else {
                    out.put(k, v == null ? "" : String.valueOf(v));
                }
            });
            return Collections.unmodifiableMap(out);
        }

        private Object wrongShape(String key, Object raw, String expected) {
            problem(key, "expected " + expected + ", got " + describe(raw));
            return null;
        }

        private static String describe(Object raw) {
            return raw instanceof List ? "a list" : raw instanceof Map ? "a map" : "a single value";
        }

        private static Map<String, Object> strings(Map<?, ?> m) {
            var out = new LinkedHashMap<String, Object>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }

        private void problem(String key, String what) {
            problems.add(at(key) + what);
        }

        /** {@code <file:line>: <path.key>: }, the start of a problem with a key. */
        private String at(String key) {
            String where = in.where().apply(key);
            if (!where.isEmpty()) {
                return where + ": ";
            }
            String path = join(in.path(), key);
            return path.isEmpty() ? "" : path + ": ";
        }

        private static String stripDot(String prefix) {
            return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
        }

        private static String join(String path, String key) {
            return path.isEmpty() ? key : key.isEmpty() ? path : path + "." + key;
        }
    }

    /** Every problem of one reading at once. */
    public static final class OptionsException extends BlipException {
        private final List<String> problems;

        public OptionsException(List<String> problems) {
            super(String.join("\n", Objects.requireNonNull(problems, "problems")));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
