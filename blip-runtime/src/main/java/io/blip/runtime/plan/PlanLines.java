package io.blip.runtime.plan;

import io.blip.runtime.config.ConfigNode;
import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.Origin;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each key of a plan file was written (file and line), by its path in the plan, e.g.
 * {@code slow.collect.status.global.options.all}: so that a problem found after parsing (a domain no
 * collector provides, an unknown option) names its line as a problem of the parser does.
 *
 * @param byPath the origin of each node by its path in the plan
 */
public record PlanLines(Map<String, Origin> byPath) {
    /** A plan not read from a file (built in, a row of the plan table): no lines. */
    public static final PlanLines NONE = new PlanLines(Map.of());

    public PlanLines {
        byPath = Map.copyOf(byPath);
    }

    /** The lines of every node of a plan file's tree. */
    static PlanLines of(ConfigNode root) {
        var byPath = new LinkedHashMap<String, Origin>();
        walk(root, byPath);
        return new PlanLines(byPath);
    }

    private static void walk(ConfigNode node, Map<String, Origin> byPath) {
        byPath.putIfAbsent(node.path(), node.origin());
        switch (node) {
            case MapNode m -> m.entries().values().forEach(n -> walk(n, byPath));
            case ListNode l -> l.items().forEach(n -> walk(n, byPath));
            default -> { }
        }
    }

    /**
     * Where the path was written, or else the nearest node above it that was (a domain's line for an
     * option it does not set); empty for a plan without lines.
     */
    public Optional<Origin> of(String path) {
        String p = path;
        while (true) {
            Origin o = byPath.get(p);
            if (o != null) {
                return Optional.of(o);
            }
            int dot = p.lastIndexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            p = p.substring(0, dot);
        }
    }
}
