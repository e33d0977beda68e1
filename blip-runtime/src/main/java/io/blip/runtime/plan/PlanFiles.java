package io.blip.runtime.plan;

import io.blip.api.BlipException;
import io.blip.api.config.Durations;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.runtime.config.ConfigException;
import io.blip.runtime.config.ConfigNode;
import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.ConfigNode.ScalarNode;
import io.blip.runtime.config.ConfigTree;
import io.blip.runtime.config.Problems;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads plan files ({@code plans.files}): YAML or HOCON, each a map of levels,
 * <pre>
 * level-name:
 *   freq: 5s
 *   timeout: 2s      # optional: how long a collection of the level may take, at most freq
 *   collect:
 *     domain-name:
 *       metrics: [...]
 *       options: {...}
 *       errors: {...}
 * </pre>
 * A plan is named by its path exactly as written in the config (Blip's rule); a glob pattern
 * ({@code plans/*.yaml}) loads every file it matches, each named by its path as written relative
 * to the pattern. Relative paths are resolved against the config file's directory (Blip: the
 * working directory).
 */
public final class PlanFiles {
    /**
     * A level's keys; {@code timeout} is in Blip's test plans, which its code ignores: here it limits
     * the level's collections.
     */
    private static final Set<String> LEVEL_KEYS = Set.of("freq", "timeout", "collect");
    private static final Set<String> DOMAIN_KEYS = Set.of("metrics", "options", "errors");

    private PlanFiles() {
    }

    /**
     * Loads the plans that the given file names and patterns name, in the order written (a
     * pattern's matches in lexical order). Plans are parsed, not validated: see
     * {@link PlanValidator}.
     *
     * @param files      file names and glob patterns, as written in the config
     * @param baseDir    where relative names are resolved (the config file's directory)
     * @param configPath where the names are written, e.g. {@code plans.files} or
     *                   {@code monitors[0].plans.files}
     * @param env        the environment for HOCON substitutions
     * @throws ConfigException listing every file that is missing or wrong
     */
    public static List<Plan> load(List<String> files, Path baseDir, String configPath, Map<String, String> env)
            throws ConfigException {
        Read read = readAll(files, baseDir, configPath, env);
        if (!read.problems().isEmpty()) {
            throw new ConfigException(read.problems());
        }
        return read.plans();
    }

    /**
     * Reads the plan files as {@link #load} does, but keeps going past a problem: what could be read
     * of every file (with its lines) and every problem, so that a caller validates what was read and
     * reports the parser's problems and the validator's at once.
     */
    public static Read readAll(List<String> files, Path baseDir, String configPath, Map<String, String> env) {
        var problems = new Problems();
        var names = new LinkedHashSet<String>();
        for (int i = 0; i < files.size(); i++) {
            String written = files.get(i);
            String at = configPath + "[" + i + "]";
            if (isGlob(written)) {
                List<String> matches = glob(written, baseDir, at, problems);
                if (matches.isEmpty()) {
                    problems.add(at + ": no plan file matches '" + written + "' (looked in "
                            + baseDir.resolve(prefixOf(written)).toAbsolutePath().normalize() + ")");
                }
                names.addAll(matches);
            } else if (!Files.isRegularFile(baseDir.resolve(written))) {
                problems.add(at + ": plan file '" + written + "' does not exist (looked for "
                        + baseDir.resolve(written).toAbsolutePath().normalize() + ")");
            } else {
                names.add(written);
            }
        }
        var read = new ArrayList<PlanFile>();
        for (String name : names) {
            String display = baseDir.resolve(name).normalize().toString();
            try {
                plan(name, display, ConfigTree.read(Path.of(display), display, env), problems).ifPresent(read::add);
            } catch (ConfigException e) {
                problems.addAll(e.problems()); // not YAML or HOCON: nothing of it can be read
            }
        }
        return new Read(read, problems.list());
    }

    /**
     * Plan files as read.
     *
     * @param files    what could be read of each file, in order
     * @param problems every problem the files have, each with file and line
     */
    public record Read(List<PlanFile> files, List<String> problems) {
        public Read {
            files = List.copyOf(files);
            problems = List.copyOf(problems);
        }

        /** The plans read, each with the levels that could be read. */
        public List<Plan> plans() {
            return files.stream().map(PlanFile::plan).toList();
        }
    }

    /**
     * What could be read of one plan file.
     *
     * @param plan        the plan, with every level whose freq could be read
     * @param lines       where each key was written
     * @param unscheduled the domains of each level whose freq could not be read, by level name: checked
     *                    against the collectors all the same
     */
    public record PlanFile(Plan plan, PlanLines lines, Map<String, Map<String, Domain>> unscheduled) {
        public PlanFile {
            unscheduled = Collections.unmodifiableMap(new LinkedHashMap<>(unscheduled)); // in file order
        }
    }

    /** A plan written in YAML, e.g. a resource; the plan is called {@code name}, its source {@code source}. */
    static Plan readYaml(String name, String source, String yaml) throws ConfigException {
        var problems = new Problems();
        Optional<PlanFile> read = plan(name, source, ConfigTree.readYaml(yaml, source), problems);
        problems.throwIfAny();
        return read.orElseThrow().plan();
    }

    /** The plan of a file's tree, with what could be read of it; its problems go to {@code problems}. */
    private static Optional<PlanFile> plan(String name, String display, ConfigNode root, Problems problems) {
        var levels = new LinkedHashMap<String, Level>();
        if (!(root instanceof MapNode map)) {
            problems.add(root.origin() + ": a plan file holds a map of levels (level-name: {freq: 5s,"
                    + " collect: {...}}), not " + root.kind());
            return Optional.empty();
        }
        if (map.entries().isEmpty()) {
            problems.add(root, "the plan has no levels; write at least one (level-name: {freq: 5s, collect: {...}})");
        }
        var unscheduled = new LinkedHashMap<String, Map<String, Domain>>();
        map.entries().forEach((levelName, node) -> level(levelName, node, problems, unscheduled)
                .ifPresent(l -> levels.put(levelName, l)));
        return Optional.of(new PlanFile(new Plan(name, display, levels), PlanLines.of(root), unscheduled));
    }

    /** The level, when its freq could be read; else its domains go to {@code unscheduled}. */
    private static Optional<Level> level(String name, ConfigNode node, Problems problems,
                                         Map<String, Map<String, Domain>> unscheduled) {
        if (!(node instanceof MapNode level)) {
            problems.add(node, "expected a level (freq: 5s, collect: {...}), got " + node.kind());
            return Optional.empty();
        }
        unknownKeys(level, LEVEL_KEYS, problems);
        Duration freq = null;
        if (level.entries().get("freq") instanceof ScalarNode f && !f.isEmpty()) {
            try {
                freq = Durations.parse(f.path(), f.value());
            } catch (BlipException e) {
                problems.add(f.origin() + ": " + e.getMessage());
            }
        } else {
            problems.add(level.get("freq").orElse(level), (level.get("freq").isPresent() ? "" : "freq: ")
                    + "not set; write how often to collect the level, e.g. freq: 5s");
        }
        Duration timeout = timeout(level, freq, problems);
        var collect = new LinkedHashMap<String, Domain>();
        ConfigNode domains = level.entries().get("collect");
        if (domains instanceof MapNode m) {
            m.entries().forEach((domainName, d) -> collect.put(domainName, domain(domainName, d, problems)));
        } else if (domains != null && !(domains instanceof ScalarNode s && s.value() == null)) {
            problems.add(domains, "expected a map of domains (status.global: {...}), got " + domains.kind());
        }
        if (freq == null) {
            unscheduled.put(name, collect);
            return Optional.empty();
        }
        return Optional.of(new Level(name, freq, collect, timeout));
    }

    /**
     * The level's {@code timeout}: null when not set; a problem when it is not a duration, not
     * positive, or longer than {@code freq}.
     */
    private static Duration timeout(MapNode level, Duration freq, Problems problems) {
        if (!(level.entries().get("timeout") instanceof ScalarNode t) || t.isEmpty()) {
            return null;
        }
        Duration timeout;
        try {
            timeout = Durations.parse(t.path(), t.value());
        } catch (BlipException e) {
            problems.add(t.origin() + ": " + e.getMessage());
            return null;
        }
        if (timeout.isZero() || timeout.isNegative()) {
            problems.add(t, "'" + t.value() + "' is not a timeout; write how long a collection of the level may take,"
                    + " e.g. timeout: 2s, or leave it out for Blip's limit (freq less 10%, at most 1s)");
            return null;
        }
        if (freq != null && timeout.compareTo(freq) > 0) {
            problems.add(t, Durations.format(timeout) + " is longer than the level's freq " + Durations.format(freq)
                    + "; a collection must end before the level is due again: make timeout at most freq");
            return null;
        }
        return timeout;
    }

    private static Domain domain(String name, ConfigNode node, Problems problems) {
        if (node instanceof ScalarNode s && s.value() == null) {
            return new Domain(name, List.of(), Map.of(), Map.of()); // "size.database:" alone: all defaults
        }
        if (!(node instanceof MapNode d)) {
            problems.add(node, "expected a domain (metrics, options, errors), got " + node.kind());
            return new Domain(name, List.of(), Map.of(), Map.of());
        }
        unknownKeys(d, DOMAIN_KEYS, problems);
        var metrics = new ArrayList<String>();
        switch (d.entries().get("metrics")) {
            case ListNode l -> l.items().forEach(i -> {
                if (i instanceof ScalarNode s && !s.isEmpty()) {
                    metrics.add(s.value());
                } else if (!(i instanceof ScalarNode)) {
                    problems.add(i, "expected a metric name, got " + i.kind());
                }
            });
            case ScalarNode s when !s.isEmpty() -> metrics.add(s.value());
            case MapNode m -> problems.add(m, "expected a list of metric names, got a map");
            case null, default -> { }
        }
        return new Domain(name, metrics, strings(d.entries().get("options"), problems),
                strings(d.entries().get("errors"), problems));
    }

    private static Map<String, String> strings(ConfigNode node, Problems problems) {
        var out = new LinkedHashMap<String, String>();
        if (node instanceof MapNode m) {
            m.entries().forEach((k, v) -> {
                if (v instanceof ScalarNode s) {
                    out.put(k, s.value() == null ? "" : s.value());
                } else {
                    problems.add(v, "expected a single value, got " + v.kind());
                }
            });
        } else if (node != null && !(node instanceof ScalarNode s && s.value() == null)) {
            problems.add(node, "expected a map of keys, got " + node.kind());
        }
        return out;
    }

    private static void unknownKeys(MapNode node, Set<String> known, Problems problems) {
        node.entries().forEach((k, v) -> {
            if (!known.contains(k)) {
                problems.add(v, Problems.unknownKey(k, known.stream().sorted().toList()));
            }
        });
    }

    // ------------------------------------------------------------------------------------- globs

    private static boolean isGlob(String pattern) {
        return pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /** The directory part of a pattern before its first segment with a wildcard. */
    private static String prefixOf(String pattern) {
        String[] segments = pattern.split("/", -1);
        var prefix = new StringBuilder(pattern.startsWith("/") ? "/" : "");
        for (String s : segments) {
            if (isGlob(s)) {
                break;
            }
            if (!s.isEmpty()) {
                prefix.append(s).append('/');
            }
        }
        return prefix.isEmpty() ? "." : prefix.toString();
    }

    /** The number of path segments, not counting empty ones and ".". */
    private static int segments(String path) {
        return (int) Stream.of(path.split("/")).filter(s -> !s.isEmpty() && !s.equals(".")).count();
    }

    /** The files a pattern matches, named as the pattern is written, in lexical order. */
    private static List<String> glob(String pattern, Path baseDir, String at, Problems problems) {
        String clean = Path.of(pattern).normalize().toString();
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + clean);
        } catch (IllegalArgumentException e) {
            problems.add(at + ": '" + pattern + "' is not a valid glob pattern: " + e.getMessage());
            return List.of();
        }
        Path written = Path.of(prefixOf(clean));
        Path dir = baseDir.resolve(written);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        int depth = clean.contains("**") ? Integer.MAX_VALUE : segments(clean) - segments(written.toString());
        try (Stream<Path> walk = Files.walk(dir, depth)) {
            return walk.filter(Files::isRegularFile)
                    .map(f -> written.resolve(dir.relativize(f)).normalize())
                    .filter(matcher::matches)
                    .map(Path::toString)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            problems.add(at + ": cannot list " + dir + ": " + e.getMessage());
            return List.of();
        }
    }
}
