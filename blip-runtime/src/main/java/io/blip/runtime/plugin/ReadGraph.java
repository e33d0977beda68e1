package io.blip.runtime.plugin;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ResolvedModule;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What each module of a plugin directory would read once the directory is a layer, worked out
 * from module descriptors by the rules {@link Configuration#resolveAndBind} applies, before it is
 * called:
 * <ul>
 *   <li>a name is found in the directory first, then in the layers below, the first parent first;</li>
 *   <li>a module reads what it requires (a {@code requires static} only when the module is there),
 *       and whatever those modules {@code requires transitive}, in turn;</li>
 *   <li>an automatic module reads every module of the directory and of the layers below, and
 *       reading one automatic module means reading them all.</li>
 * </ul>
 */
final class ReadGraph {

    /**
     * A module the directory's layer would see.
     *
     * @param below null for a module of the directory, else the module as a layer below resolved it
     */
    record Node(ModuleDescriptor descriptor, ResolvedModule below) {
        String name() {
            return descriptor.name();
        }

        boolean inDirectory() {
            return below == null;
        }

        boolean automatic() {
            return descriptor.isAutomatic();
        }
    }

    private final Map<String, Node> own = new TreeMap<>();
    private final List<Configuration> parents;
    private final List<Node> allBelow;
    private final Map<Node, Set<Node>> reads = new HashMap<>();

    /**
     * @param own     the directory's modules
     * @param parents the configurations of the layers the directory's layer will have as parents, in order
     */
    ReadGraph(Collection<ModuleDescriptor> own, List<Configuration> parents) {
        own.forEach(d -> this.own.put(d.name(), new Node(d, null)));
        this.parents = List.copyOf(parents);
        this.allBelow = everyModuleBelow(parents);
    }

    /** The directory's modules, sorted by name. */
    Collection<Node> own() {
        return own.values();
    }

    /** The module a module of the directory gets for a name: the directory's own, else the first found below. */
    Optional<Node> find(String name) {
        Node mine = own.get(name);
        return mine != null ? Optional.of(mine) : findBelow(name);
    }

    /** The module of that name in the layers below, as the directory's layer would find it. */
    Optional<Node> findBelow(String name) {
        return parents.stream()
                .map(c -> c.findModule(name))
                .flatMap(Optional::stream)
                .findFirst()
                .map(ReadGraph::below);
    }

    /** Every module that a module of the directory reads, itself excluded. */
    Set<Node> reads(Node reader) {
        return reads.computeIfAbsent(reader, r -> {
            Set<Node> read = r.automatic() ? everyOther(r) : required(r);
            read.remove(r);
            return read;
        });
    }

    private Set<Node> everyOther(Node reader) {
        var read = new LinkedHashSet<Node>(own.values());
        read.addAll(allBelow);
        return read;
    }

    private Set<Node> required(Node reader) {
        var read = new LinkedHashSet<Node>();
        for (ModuleDescriptor.Requires requires : sorted(reader.descriptor().requires())) {
            find(requires.name()).ifPresent(module -> {
                read.add(module);
                if (!module.inDirectory() && module.automatic()) {
                    // Requiring an automatic module of a layer below reads the automatic modules it reads.
                    module.below().reads().stream().filter(m -> m.reference().descriptor().isAutomatic())
                            .map(ReadGraph::below).forEach(read::add);
                }
            });
        }
        var next = new ArrayDeque<>(read);
        while (!next.isEmpty()) {
            for (Node implied : requiresTransitive(next.removeFirst())) {
                if (read.add(implied)) {
                    next.add(implied);
                }
            }
        }
        return read;
    }

    /** The modules that reading {@code module} also reads. */
    private List<Node> requiresTransitive(Node module) {
        if (module.inDirectory() && module.automatic()) {
            return Stream.concat(own.values().stream(), allBelow.stream())
                    .filter(n -> n.automatic() && !n.equals(module))
                    .toList();
        }
        var implied = new ArrayList<Node>();
        for (ModuleDescriptor.Requires requires : sorted(module.descriptor().requires())) {
            if (requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)) {
                (module.inDirectory() ? find(requires.name())
                        : module.below().configuration().findModule(requires.name()).map(ReadGraph::below))
                        .ifPresent(implied::add);
            }
        }
        return implied;
    }

    private static List<ModuleDescriptor.Requires> sorted(Set<ModuleDescriptor.Requires> requires) {
        return requires.stream().sorted().toList();
    }

    private static Node below(ResolvedModule module) {
        return new Node(module.reference().descriptor(), module);
    }

    private static List<Node> everyModuleBelow(List<Configuration> parents) {
        var seen = new HashSet<Configuration>();
        var next = new ArrayDeque<>(parents);
        var nodes = new ArrayList<Node>();
        while (!next.isEmpty()) {
            Configuration configuration = next.removeFirst();
            if (seen.add(configuration)) {
                configuration.modules().stream().map(ReadGraph::below).forEach(nodes::add);
                next.addAll(configuration.parents());
            }
        }
        return List.copyOf(nodes);
    }
}
