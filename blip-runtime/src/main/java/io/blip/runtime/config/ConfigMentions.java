package io.blip.runtime.config;

import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.ConfigNode.ScalarNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every key and value a config file and its monitor files ({@code monitor-loader.files}) hold, as
 * written: what tells which of Blip's plugins that ship on demand a config uses (a key {@code aws}
 * or {@code otlp}, a value {@code aws-iam}) before the config is checked against what the plugins
 * declare. A file that cannot be read adds nothing: loading the config reports it.
 */
public final class ConfigMentions {
    private ConfigMentions() {
    }

    public static Set<String> of(Path configFile, Map<String, String> env) {
        var words = new TreeSet<String>();
        ConfigNode root = read(configFile, env);
        add(root, env, words);
        if (root instanceof MapNode top && top.entries().get("monitor-loader") instanceof MapNode loader) {
            Path base = ConfigLoader.baseDirOf(configFile);
            ConfigNode files = loader.entries().get("files");
            var paths = files instanceof ListNode list ? list.items() : files == null ? java.util.List.<ConfigNode>of()
                    : java.util.List.of(files);
            for (ConfigNode f : paths) {
                if (f instanceof ScalarNode s && !s.value().isBlank()) {
                    add(read(base.resolve(s.value()).normalize(), env), env, words);
                }
            }
        }
        return words;
    }

    private static ConfigNode read(Path file, Map<String, String> env) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return ConfigTree.read(file, file.toString(), env);
        } catch (RuntimeException e) {
            // ConfigException among them: loading the config reports it.
            return null;
        }
    }

    /** The keys, and the values with {@code ${ENV}} replaced as loading replaces them. */
    private static void add(ConfigNode node, Map<String, String> env, Set<String> words) {
        switch (node) {
            case MapNode m -> m.entries().forEach((key, value) -> {
                words.add(key);
                add(value, env, words);
            });
            case ListNode l -> l.items().forEach(i -> add(i, env, words));
            case ScalarNode s -> words.add(Interpolation.env(s.value(), env, name -> { }).strip());
            case null -> {
            }
        }
    }
}
