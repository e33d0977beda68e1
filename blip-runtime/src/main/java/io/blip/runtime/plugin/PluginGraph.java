package io.blip.runtime.plugin;

import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which plugin directories build on which, and the order to make their layers in. A directory
 * builds on another when one of its modules requires a module that is neither in the directory
 * itself nor in the layer of blip-api, but is in that other directory; the other directory's
 * layer then becomes a parent of its layer.
 *
 * <p>Only modules with a module-info of their own drive this: automatic modules (most libraries,
 * the AWS SDK) declare no {@code requires}. A plugin that builds on another has a real module-info
 * that requires the other plugin's module.
 *
 * <p>Problems are added to the list given: a module required from more than one other directory,
 * and directories that require each other in a cycle. Those directories get no layer.
 */
final class PluginGraph {

    /**
     * Why one directory builds on another: {@code module} in it requires {@code requires}, which
     * {@code on} holds.
     */
    record Edge(PluginDir on, String module, String requires) {
        /** {@code plugins/aws (module com.example.mycreds requires io.blip.plugin.aws)}. */
        String describe() {
            return on.origin() + " (module " + module + " requires " + requires + ")";
        }
    }

    /**
     * A directory and the directories it builds on, in directory order.
     *
     * @param buildable false when a problem of its own (a cycle, an ambiguous module) keeps it from becoming a layer
     */
    record Node(PluginDir dir, List<Edge> parents, boolean buildable) {
    }

    private enum State { VISITING, DONE }

    private final List<PluginDir> dirs;
    private final ModuleLayer apiLayer;
    private final List<String> problems;
    private final Map<PluginDir, List<Edge>> edges = new HashMap<>();
    private final Set<PluginDir> unbuildable = new HashSet<>();
    private final Map<PluginDir, State> state = new HashMap<>();
    private final List<PluginDir> path = new ArrayList<>();
    private final List<Node> order = new ArrayList<>();

    private PluginGraph(List<PluginDir> dirs, ModuleLayer apiLayer, List<String> problems) {
        this.dirs = dirs;
        this.apiLayer = apiLayer;
        this.problems = problems;
    }

    /**
     * The directories in the order to make their layers in: every directory after the ones it
     * builds on, otherwise in the order given.
     *
     * @param dirs     in directory order
     * @param apiLayer the layer of blip-api, whose modules (and its parents') every plugin reads
     */
    static List<Node> order(List<PluginDir> dirs, ModuleLayer apiLayer, List<String> problems) {
        var graph = new PluginGraph(dirs, apiLayer, problems);
        dirs.forEach(graph::findEdges);
        dirs.forEach(dir -> {
            if (!graph.state.containsKey(dir)) {
                graph.visit(dir);
            }
        });
        return List.copyOf(graph.order);
    }

    /**
     * The message for a directory that cannot be made a layer because a directory it builds on
     * could not be.
     */
    static String notLoaded(PluginDir dir, List<Edge> missing) {
        List<String> parents = missing.stream().map(Edge::describe).toList();
        return dir.origin() + ": not loaded, because it builds on " + PluginException.and(parents)
                + ", which could not be loaded. Fix "
                + PluginException.and(missing.stream().map(e -> e.on().origin() + "/").toList()) + " first.";
    }

    private void findEdges(PluginDir dir) {
        var parents = new LinkedHashMap<PluginDir, Edge>();
        dir.explicitModules().forEach(descriptor -> {
            for (ModuleDescriptor.Requires requires : descriptor.requires().stream().sorted().toList()) {
                String name = requires.name();
                // A static requires is optional at run time: it never pulls in another directory.
                if (requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
                        || dir.holds(name) || apiLayer.findModule(name).isPresent()) {
                    continue;
                }
                List<PluginDir> holders = dirs.stream().filter(other -> other != dir && other.holds(name)).toList();
                if (holders.size() == 1) {
                    parents.putIfAbsent(holders.get(0), new Edge(holders.get(0), descriptor.name(), name));
                } else if (holders.size() > 1) {
                    problems.add(ambiguous(dir, descriptor.name(), name, holders));
                    unbuildable.add(dir);
                }
                // In no directory: LayerCheck reports the missing module.
            }
        });
        var inOrder = new ArrayList<Edge>();
        dirs.stream().filter(parents::containsKey).forEach(d -> inOrder.add(parents.get(d)));
        edges.put(dir, List.copyOf(inOrder));
    }

    /** Depth first, parents before children; a parent still being visited closes a cycle. */
    private void visit(PluginDir dir) {
        state.put(dir, State.VISITING);
        path.add(dir);
        for (Edge edge : edges.get(dir)) {
            State seen = state.get(edge.on());
            if (seen == State.VISITING) {
                cycle(path.subList(path.indexOf(edge.on()), path.size()));
            } else if (seen == null) {
                visit(edge.on());
            }
        }
        path.remove(path.size() - 1);
        state.put(dir, State.DONE);
        order.add(new Node(dir, edges.get(dir), !unbuildable.contains(dir)));
    }

    private void cycle(List<PluginDir> members) {
        // Start the cycle at the member that comes first in directory order, so the message is stable.
        var cycle = new ArrayList<>(members);
        PluginDir first = cycle.stream().min((a, b) -> Integer.compare(dirs.indexOf(a), dirs.indexOf(b))).orElseThrow();
        Collections.rotate(cycle, -cycle.indexOf(first));
        var names = new ArrayList<String>();
        var requires = new ArrayList<String>();
        for (int i = 0; i < cycle.size(); i++) {
            PluginDir from = cycle.get(i);
            PluginDir to = cycle.get((i + 1) % cycle.size());
            Edge edge = edges.get(from).stream().filter(e -> e.on() == to).findFirst().orElseThrow();
            names.add(from.origin());
            requires.add("module " + from.module(edge.module()) + " requires " + edge.requires());
        }
        names.add(first.origin());
        problems.add("plugin directories require each other's modules in a cycle: " + String.join(" -> ", names)
                + " (" + String.join("; ", requires) + "). A plugin layer can only build on layers made before it: "
                + "put the modules of these directories into one directory, or drop one of those requires.");
        unbuildable.addAll(cycle);
    }

    private static String ambiguous(PluginDir dir, String module, String requires, List<PluginDir> holders) {
        List<String> where = holders.stream().map(h -> h.origin() + "/ (" + h.jar(requires) + ")").toList();
        return dir.origin() + ": module " + dir.module(module) + " requires module " + requires
                + ", which more than one plugin directory holds: " + PluginException.and(where)
                + ". A plugin can build on one of them only: keep " + requires + " in one directory.";
    }
}
