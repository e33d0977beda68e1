package io.blip.runtime.config;

import io.blip.api.config.MonitorConfig;
import io.blip.api.monitor.MonitorSpec;
import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.ConfigNode.ScalarNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The monitor defaults of a config (its top-level {@code mysql}, {@code aws}, {@code heartbeat},
 * {@code sinks}, {@code tags}, {@code tls}), kept to apply to monitors found after the config was
 * loaded: by monitor loader plugins (e.g. RDS) and by local auto-detection. They get exactly what
 * config monitors get: defaults, interpolation, validation.
 */
public final class MonitorDefaults {
    private final MapNode defaults;
    private final LoadContext context;
    private final Path baseDir;

    MonitorDefaults(MapNode defaults, LoadContext context, Path baseDir) {
        this.defaults = defaults;
        this.context = context;
        this.baseDir = baseDir;
    }

    /**
     * Final monitors for monitors found by a plugin or auto-detection.
     *
     * @param specs         the monitors found, in Blip's monitor shape
     * @param alreadyLoaded monitors loaded before, whose ids the new ones must not reuse
     * @throws ConfigException listing every problem of every spec
     */
    public List<MonitorConfig> monitors(List<MonitorSpec> specs, Collection<MonitorConfig> alreadyLoaded)
            throws ConfigException {
        var problems = new Problems();
        var builder = new MonitorBuilder(context, baseDir, problems);
        var keys = new Keys(context.declarations());
        var ids = new MonitorIds(problems);
        alreadyLoaded.forEach(ids::known);
        var out = new ArrayList<MonitorConfig>();
        for (MonitorSpec spec : specs) {
            MapNode node = (MapNode) toNode(spec.config(), new Origin(spec.origin(), 0), "");
            keys.check(node, keys.monitor, problems);
            MonitorConfig m = builder.build(node, defaults, spec.origin());
            ids.add(m, node);
            out.add(m);
        }
        problems.throwIfAny();
        return out;
    }

    /** A plugin's plain values as a node tree. */
    private static ConfigNode toNode(Object value, Origin origin, String path) {
        return switch (value) {
            case null -> new ScalarNode(origin, path, null);
            case Map<?, ?> map -> {
                var entries = new LinkedHashMap<String, ConfigNode>();
                map.forEach((k, v) -> entries.put(String.valueOf(k), toNode(v, origin, ConfigNode.child(path, String.valueOf(k)))));
                yield new MapNode(origin, path, entries);
            }
            case Collection<?> list -> {
                var items = new ArrayList<ConfigNode>();
                list.forEach(v -> items.add(toNode(v, origin, ConfigNode.item(path, items.size()))));
                yield new ListNode(origin, path, items);
            }
            default -> new ScalarNode(origin, path, String.valueOf(value));
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MonitorDefaults other && defaults.plain().equals(other.defaults.plain())
                && context.env().equals(other.context.env()) && baseDir.equals(other.baseDir);
    }

    @Override
    public int hashCode() {
        return Objects.hash(defaults.plain(), context.env(), baseDir);
    }

    /** Names the default keys only: values may hold secrets. */
    @Override
    public String toString() {
        return "MonitorDefaults" + defaults.entries().keySet();
    }
}
