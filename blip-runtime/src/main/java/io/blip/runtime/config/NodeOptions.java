package io.blip.runtime.config;

import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.ConfigNode.ScalarNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one config node that a plugin declared ({@code sinks.otlp}, a monitor's {@code aws}) with
 * the declaration's {@link OptionSet#read}, so that its problems name the file and line of the key
 * they are about.
 *
 * @param env        the environment variables options may come from
 * @param properties the system properties options may come from
 * @param baseDir    where relative files are resolved: the config file's directory
 */
record NodeOptions(Map<String, String> env, Map<String, String> properties, Path baseDir) {

    /**
     * The node's options; problems go to {@code problems}.
     *
     * @param partial true for a monitor default: a required key may come from each monitor
     */
    Options read(OptionSet declared, ConfigNode node, boolean partial, Problems problems) {
        var found = new ArrayList<String>();
        Map<String, Object> values = node instanceof MapNode m ? plain(m) : Map.of();
        var in = new OptionSet.Input(node.path(), values, env, properties, baseDir, key -> where(node, key), partial);
        Options options = declared.read(in, found);
        problems.addAll(found);
        return options;
    }

    /** The values of a map node as plain maps, lists and text; a null scalar is not given. */
    private static Map<String, Object> plain(MapNode m) {
        var out = new LinkedHashMap<String, Object>();
        m.entries().forEach((k, v) -> {
            Object value = switch (v) {
                case MapNode nested -> plain(nested);
                case ListNode l -> l.items().stream().map(i -> i.plain()).toList();
                case ScalarNode s -> s.value();
            };
            if (value != null) {
                out.put(k, value);
            }
        });
        return out;
    }

    /**
     * Where the key at {@code keyPath} (e.g. {@code assume-role.role-arn}, {@code headers[2]}) was
     * written, {@code blip.yaml:3: aws.assume-role.role-arn}: the file, line and path of the node
     * that holds it, which for an inherited default is the default's; a key not given is placed
     * at the nearest node that is.
     */
    static String where(ConfigNode node, String keyPath) {
        ConfigNode at = node;
        int consumed = 0;
        for (String part : keyPath.isEmpty() ? List.<String>of() : List.of(keyPath.split("\\."))) {
            String key = part;
            int index = -1;
            int bracket = part.indexOf('[');
            if (bracket > 0 && part.endsWith("]")) {
                key = part.substring(0, bracket);
                index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
            }
            ConfigNode next = at instanceof MapNode m ? m.entries().get(key) : null;
            if (next instanceof ListNode l && index >= 0 && index < l.items().size()) {
                next = l.items().get(index);
            }
            if (next == null) {
                String rest = keyPath.substring(Math.min(keyPath.length(), consumed));
                return at.origin() + ": " + ConfigNode.child(at.path(), rest);
            }
            consumed += part.length() + 1;
            at = next;
        }
        return at.origin() + ": " + at.path();
    }
}
