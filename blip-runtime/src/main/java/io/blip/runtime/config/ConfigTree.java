package io.blip.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.ConfigNode.ScalarNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a YAML ({@code .yaml}, {@code .yml}) or HOCON ({@code .conf}, {@code .hocon},
 * {@code .json}) file into one {@link ConfigNode} tree, so that the rest of the runtime sees the
 * same keys, values and line numbers whatever the format.
 *
 * <p>In HOCON, write Blip's {@code ${ENV}} and {@code %{monitor.x}} inside quotes
 * ({@code hostname = "${DB_HOST}"}), which Blip then interpolates; an unquoted {@code ${X}} is
 * HOCON's own substitution, resolved against the file and then the environment given to the
 * loader. Quote keys that hold dots ({@code "status.global" { ... }}), else HOCON reads them as
 * nested keys.
 */
public final class ConfigTree {

    private ConfigTree() {
    }

    /**
     * Reads a file into a tree; key paths start at the file's root.
     *
     * @param file    the file to read
     * @param display how messages name the file (the path as the user wrote it)
     * @param env     environment for HOCON substitutions
     * @throws ConfigException when the file cannot be read or parsed
     */
    public static ConfigNode read(Path file, String display, Map<String, String> env)
            throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(display + ": cannot read the file: " + e);
        }
        Syntax syntax = syntaxOf(file).orElseThrow(() -> new ConfigException(display
                + ": unknown file type; name it .yaml or .yml (YAML), or .conf, .hocon or .json (HOCON)"));
        return syntax == Syntax.YAML
                ? readYaml(text, display)
                : readHocon(file, text, syntax == Syntax.JSON, display, env);
    }

    private enum Syntax { YAML, HOCON, JSON }

    private static Optional<Syntax> syntaxOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return Optional.of(Syntax.YAML);
        }
        if (name.endsWith(".conf") || name.endsWith(".hocon")) {
            return Optional.of(Syntax.HOCON);
        }
        return name.endsWith(".json") ? Optional.of(Syntax.JSON) : Optional.empty();
    }

    // ---------------------------------------------------------------------------------------- YAML

    /** A YAML document that is not a file (e.g. a resource), named {@code display} in messages. */
    public static ConfigNode readYaml(String text, String display) throws ConfigException {
        var settings = LoadSettings.builder().setLabel(display).setSchema(new CoreSchema()).build();
        Optional<Node> root;
        try {
            root = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text))).getSingleNode();
        } catch (MarkedYamlEngineException e) {
            throw yamlSyntax(e, text, display);
        } catch (YamlEngineException e) {
            throw new ConfigException(display + ": not valid YAML: " + e.getMessage());
        }
        if (root.isEmpty()) {
            return MapNode.empty(new Origin(display, 1), "");
        }
        var problems = new Problems();
        ConfigNode tree = yamlNode(root.get(), display, "", 0, problems);
        problems.throwIfAny();
        return tree;
    }

    private static ConfigException yamlSyntax(MarkedYamlEngineException e, String text, String display) {
        int line = lineOf(e.getProblemMark());
        int column = e.getProblemMark().map(m -> m.getColumn() + 1).orElse(0);
        String problem = e.getProblem() == null ? "syntax error" : e.getProblem().strip();
        if (problem.contains("'%'")) {
            problem += "; a value that starts with %{monitor.x} must be quoted: key: \"%{monitor.hostname}\"";
        }
        return new ConfigException(new Origin(display, line) + ": not valid YAML at column " + column + ": "
                + withoutSecrets(problem, lineOf(text, line)));
    }

    /**
     * @param line the line to report the node at: its key's line for a map entry (where a person
     *             looks for "monitors[0].tls", not the line below it); 0 for the node's own line
     */
    private static ConfigNode yamlNode(Node node, String display, String path, int line, Problems problems) {
        var origin = new Origin(display, line > 0 ? line : lineOf(node.getStartMark()));
        return switch (node) {
            case MappingNode map -> yamlMap(map, origin, path, problems);
            case SequenceNode seq -> {
                var items = new ArrayList<ConfigNode>();
                for (Node item : seq.getValue()) {
                    items.add(yamlNode(item, display, ConfigNode.item(path, items.size()), 0, problems));
                }
                yield new ListNode(origin, path, items);
            }
            case org.snakeyaml.engine.v2.nodes.ScalarNode scalar ->
                    new ScalarNode(origin, path, scalar.getTag().equals(Tag.NULL) ? null : scalar.getValue());
            default -> throw new IllegalStateException("unknown YAML node " + node.getClass());
        };
    }

    private static MapNode yamlMap(MappingNode map, Origin origin, String path, Problems problems) {
        var entries = new LinkedHashMap<String, ConfigNode>();
        var lines = new LinkedHashMap<String, Integer>();
        var merged = new ArrayList<MapNode>();
        for (NodeTuple t : map.getValue()) {
            int line = lineOf(t.getKeyNode().getStartMark());
            if (!(t.getKeyNode() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode keyNode)) {
                problems.add(new Origin(origin.file(), line), path, "a key must be a single value, not a list or map");
                continue;
            }
            if (keyNode.getTag().equals(Tag.MERGE)) {
                // YAML merge key (<<: *defaults), which Blip's go-yaml honours too
                collectMerges(t.getValueNode(), origin.file(), path, problems, merged);
                continue;
            }
            String key = keyNode.getValue();
            String childPath = ConfigNode.child(path, key);
            if (lines.containsKey(key)) {
                problems.add(new Origin(origin.file(), line), childPath,
                        "duplicate key; it is also set on line " + lines.get(key) + "; keep one");
                continue;
            }
            lines.put(key, line);
            entries.put(key, yamlNode(t.getValueNode(), origin.file(), childPath, line, problems));
        }
        for (MapNode m : merged) {
            m.entries().forEach(entries::putIfAbsent);
        }
        return new MapNode(origin, path, entries);
    }

    private static void collectMerges(Node value, String display, String path, Problems problems, List<MapNode> out) {
        var origin = new Origin(display, lineOf(value.getStartMark()));
        switch (value) {
            case MappingNode m -> out.add(yamlMap(m, origin, path, problems));
            case SequenceNode s -> s.getValue().forEach(v -> collectMerges(v, display, path, problems, out));
            default -> problems.add(origin, path, "a merge key (<<) takes a map or a list of maps");
        }
    }

    // --------------------------------------------------------------------------------------- HOCON

    private static ConfigNode readHocon(Path file, String text, boolean json, String display, Map<String, String> env)
            throws ConfigException {
        Config config;
        try {
            var options = ConfigParseOptions.defaults()
                    .setSyntax(json ? ConfigSyntax.JSON : ConfigSyntax.CONF)
                    .setOriginDescription(display)
                    .setAllowMissing(false);
            // parsed from the file, so that include "other.conf" is relative to it
            Config parsed = ConfigFactory.parseFile(file.toFile(), options);
            Config envConfig = ConfigValueFactory.fromMap(env, "environment").toConfig();
            config = parsed.resolveWith(parsed.withFallback(envConfig), ConfigResolveOptions.noSystem());
        } catch (com.typesafe.config.ConfigException e) {
            int line = e.origin() == null ? 0 : Math.max(0, e.origin().lineNumber());
            String message = e.getMessage();
            String prefix = e.origin() == null ? "" : e.origin().description() + ": ";
            if (message.startsWith(prefix)) {
                message = message.substring(prefix.length());
            }
            throw new ConfigException(new Origin(display, line) + ": not valid HOCON: "
                    + withoutSecrets(message, lineOf(text, line)));
        }
        return hoconNode(config.root(), display, "");
    }

    private static ConfigNode hoconNode(ConfigValue value, String display, String path) {
        var origin = new Origin(display, Math.max(0, value.origin().lineNumber()));
        return switch (value) {
            case ConfigObject object -> {
                var entries = new LinkedHashMap<String, ConfigNode>();
                // HOCON objects do not keep key order: use the order of the file
                object.entrySet().stream()
                        .sorted(Comparator.comparingInt(e -> e.getValue().origin().lineNumber()))
                        .forEach(e -> entries.put(e.getKey(),
                                hoconNode(e.getValue(), display, ConfigNode.child(path, e.getKey()))));
                yield new MapNode(origin, path, entries);
            }
            case ConfigList list -> {
                var items = new ArrayList<ConfigNode>();
                for (ConfigValue item : list) {
                    items.add(hoconNode(item, display, ConfigNode.item(path, items.size())));
                }
                yield new ListNode(origin, path, items);
            }
            default -> new ScalarNode(origin, path, switch (value.valueType()) {
                case NULL -> null;
                case NUMBER -> value.render();
                default -> String.valueOf(value.unwrapped());
            });
        };
    }

    // -------------------------------------------------------------------------------------- shared

    private static String lineOf(String text, int line) {
        String[] lines = text.split("\n", -1);
        return line >= 1 && line <= lines.length ? lines[line - 1] : "";
    }

    /**
     * Parser messages may quote the text they choke on; when that line holds a secret, say less.
     */
    private static String withoutSecrets(String problem, String line) {
        int colon = line.indexOf(':');
        int equals = line.indexOf('=');
        int end = colon < 0 ? equals : equals < 0 ? colon : Math.min(colon, equals);
        String key = (end < 0 ? line : line.substring(0, end)).strip().replace("\"", "").replace("- ", "");
        return Secrets.isSecretKey(key) ? "syntax error on a line that holds a secret (details hidden)" : problem;
    }

    /** The 1-based line of a YAML mark, or 0. */
    private static int lineOf(Optional<Mark> mark) {
        return mark.map(m -> m.getLine() + 1).orElse(0);
    }
}
