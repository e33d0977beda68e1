package io.blip.runtime.config;

import ch.qos.logback.classic.Level;
import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.ConfigNode.ScalarNode;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The config's {@code logging} section (ours; Blip has none): {@code level} of every logger (default
 * {@code info}), {@code levels} by logger name or package ({@code io.blip.runtime.delivery: debug},
 * {@code software.amazon.awssdk: warn}), {@code format} ({@code text} or {@code json}) and {@code quiet}
 * (no summary line); and what no log line may show: the values of the config's secret keys.
 *
 * @param masked the config's secrets, masked in every log line
 */
public record LogConfig(Level level, Map<String, Level> levels, boolean json, boolean quiet, Set<String> masked) {
    public static final LogConfig DEFAULT = new LogConfig(Level.INFO, Map.of(), false, false, Set.of());
    private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    public LogConfig {
        levels = Map.copyOf(levels);
        masked = Set.copyOf(masked);
    }

    /** This with more values to mask. */
    public LogConfig withMasked(Collection<String> more) {
        var all = new LinkedHashSet<>(masked);
        all.addAll(more);
        return new LogConfig(level, levels, json, quiet, all);
    }

    /** This without the secrets, to print. */
    LogConfig withoutMasked() {
        return new LogConfig(level, levels, json, quiet, Set.of());
    }

    /** The section as {@code --print-config} prints it (the secrets are not part of it). */
    Map<String, Object> printed() {
        var out = new LinkedHashMap<String, Object>();
        out.put("level", name(level));
        if (!levels.isEmpty()) {
            var byLogger = new LinkedHashMap<String, Object>();
            levels.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> byLogger.put(e.getKey(), name(e.getValue())));
            out.put("levels", byLogger);
        }
        out.put("format", json ? "json" : "text");
        out.put("quiet", quiet);
        return out;
    }

    private static String name(Level level) {
        return level.toString().toLowerCase(Locale.ROOT);
    }

    /** The {@code logging} section of {@code server} (interpolated), its problems added; {@code top} for its secrets. */
    static LogConfig read(MapNode log, MapNode top, Problems problems) {
        Level level = log.get("level").map(n -> level(n, problems)).orElse(Level.INFO);
        var levels = new LinkedHashMap<String, Level>();
        log.map("levels").entries().forEach((name, n) -> levels.put(name, level(n, problems)));
        boolean json = false;
        if (log.get("format").orElse(null) instanceof ScalarNode f && !f.isEmpty()) {
            switch (f.value()) {
                case "json" -> json = true;
                case "text" -> json = false;
                default -> problems.add(f, "'" + f.value() + "' is not a log format; text or json");
            }
        }
        boolean quiet = false;
        if (log.get("quiet").orElse(null) instanceof ScalarNode q && !q.isEmpty()) {
            switch (q.value().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> quiet = true;
                case "false", "no", "off" -> quiet = false;
                default -> problems.add(q, "'" + q.value() + "' is not true or false");
            }
        }
        return new LogConfig(level, levels, json, quiet, secrets(top));
    }

    private static Level level(ConfigNode node, Problems problems) {
        String text = node instanceof ScalarNode s && s.value() != null ? s.value().toLowerCase(Locale.ROOT) : "";
        if (!LEVELS.contains(text)) {
            problems.add(node, "not a log level; one of " + String.join(", ", LEVELS));
            return Level.INFO;
        }
        return Level.toLevel(text);
    }

    /** The values of the secret keys ({@link Secrets#isSecretKey}) anywhere in the tree. */
    public static Set<String> secrets(ConfigNode tree) {
        var out = new LinkedHashSet<String>();
        collect(tree, false, out);
        return out;
    }

    private static void collect(ConfigNode node, boolean secret, Set<String> out) {
        switch (node) {
            // A *-file key's value is a path; the secret is in the file.
            case MapNode m -> m.entries().forEach((k, v) -> collect(v, secret
                    || (Secrets.isSecretKey(k) && !k.endsWith("-file")), out));
            case ListNode l -> l.items().forEach(i -> collect(i, secret, out));
            case ScalarNode s -> {
                if (secret && !s.isEmpty()) {
                    out.add(s.value());
                }
            }
        }
    }
}
