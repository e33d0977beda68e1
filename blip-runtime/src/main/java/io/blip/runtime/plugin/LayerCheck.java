package io.blip.runtime.plugin;

import io.blip.runtime.plugin.ReadGraph.Node;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What keeps a plugin directory from becoming a layer, found from the module descriptors of its
 * jars, of the plugin layers it builds on and of the boot layer, before the JDK is asked: the JDK
 * stops at the first problem, and words it differently from one release to the next. Each problem
 * names the directory, the module and its jar, the package where one is at fault, and what to do:
 * <ul>
 *   <li>a module the boot layer already has (blip-api, slf4j);</li>
 *   <li>a provider class that the jar declaring it does not hold ({@link ProviderClasses});</li>
 *   <li>a second copy of a module that a plugin layer below has;</li>
 *   <li>a module required but in none of the directory, the layers below and the boot layer;</li>
 *   <li>a package in two modules of the directory, or in one of its modules and a module that
 *       module reads; a module that reads two modules of one name ({@link ReadGraph}).</li>
 * </ul>
 * Sibling directories may each hold their own copy of a library: neither layer reads the other.
 */
final class LayerCheck {
    private static final String SPLIT_ADVICE =
            "A package may be in one module only: remove one of the jars, or move the package.";


    private final PluginDir dir;
    private final String origin;
    private final List<PluginLayer> below;
    private final List<String> problems = new ArrayList<>();
    private final ReadGraph graph;
    /** Per module: the packages it gives every module that reads it, sorted. */
    private final Map<Node, List<String>> exportedToAll = new HashMap<>();

    private LayerCheck(PluginDir dir, List<PluginLayer> parents, ModuleLayer apiLayer) {
        this.dir = dir;
        this.origin = dir.origin();
        this.below = parents.stream()
                .flatMap(p -> Stream.concat(Stream.of(p), p.ancestors().stream()))
                .distinct()
                .toList();
        var own = new ArrayList<ModuleDescriptor>();
        for (ModuleReference module : dir.modules().values()) {
            if (apiLayer.findModule(module.descriptor().name()).isPresent()) {
                // Resolving would bind the plugin to its own copy: its providers would then implement
                // another SinkFactory than the runtime's. The rest is checked as if the copy were gone.
                problems.add(alreadyInBoot(module.descriptor().name()));
            } else {
                own.add(module.descriptor());
            }
        }
        this.graph = new ReadGraph(own, PluginLayer.parentLayers(parents, apiLayer).stream()
                .map(ModuleLayer::configuration).toList());
    }

    /**
     * What the JDK would not stop at when it resolves and defines the layer: a module the boot layer
     * has, a provider class the jar lacks, a copy of a module below. The rest (modules missing,
     * packages split, a module read twice) the JDK refuses; {@link #problems} then says why in our
     * words. Checking the read graph before every start cost some 30 ms of Blip's start-up.
     */
    static boolean passesWhatTheJdkDoesNotCheck(PluginDir dir, List<PluginLayer> parents, ModuleLayer apiLayer) {
        var check = new LayerCheck(dir, parents, apiLayer);
        check.providerClasses();
        check.copiesOfModulesBelow();
        return check.problems.isEmpty();
    }

    /** Every problem found, in the order of the list above; empty when the directory can be a layer. */
    static List<String> problems(PluginDir dir, List<PluginLayer> parents, ModuleLayer apiLayer) {
        var check = new LayerCheck(dir, parents, apiLayer);
        check.providerClasses();
        Set<String> copies = check.copiesOfModulesBelow();
        check.missingModules();
        Set<String> split = check.packagesInTwoModules();
        check.readers(copies, split);
        return List.copyOf(check.problems);
    }

    private String alreadyInBoot(String module) {
        String jar = dir.jar(module);
        return origin + ": " + jar + " holds module " + module + ", which the boot layer (lib/) already has. "
                + "Remove " + jar + " from " + origin + "/; the plugin's build must give that dependency "
                + "<scope>provided</scope>.";
    }

    private void providerClasses() {
        for (Node module : graph.own()) {
            dir.modules().get(module.name()).location()
                    .filter(location -> "file".equals(location.getScheme()))
                    .ifPresent(location -> problems.addAll(
                            ProviderClasses.missing(origin, Path.of(location), module.name())));
        }
    }

    /** A module of the directory that a plugin layer below already has: two versions of one module. */
    private Set<String> copiesOfModulesBelow() {
        var copies = new HashSet<String>();
        for (Node copy : graph.own()) {
            graph.findBelow(copy.name()).ifPresent(original -> {
                copies.add(copy.name());
                problems.add(copy(copy, original));
            });
        }
        return copies;
    }

    private String copy(Node copy, Node original) {
        String jar = dir.jar(copy.name());
        String advice = " Remove " + jar + " from " + origin + "/: a plugin that builds on another keeps only its "
                + "own jars.";
        for (Node reader : graph.own()) {
            Set<Node> reads = graph.reads(reader);
            Optional<Node> theirs = reads.stream()
                    .filter(n -> n.name().equals(copy.name()) && !n.inDirectory())
                    .findFirst();
            if (reads.contains(copy) && theirs.isPresent()) {
                // The usual mistake: a plugin that builds on another ships copies of that plugin's jars.
                return origin + ": module " + where(reader) + " reads two modules named " + copy.name()
                        + ": its own copy (" + jar + ") and the one in " + inLayer(theirs.get()) + ", which it builds "
                        + "on." + advice;
            }
        }
        return origin + ": " + jar + " holds a copy of module " + copy.name() + ", which the plugin already gets "
                + "from " + inLayer(original) + ", a directory it builds on." + advice;
    }

    private void missingModules() {
        for (Node module : graph.own()) {
            module.descriptor().requires().stream()
                    .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                    .map(ModuleDescriptor.Requires::name)
                    .sorted()
                    .filter(name -> graph.find(name).isEmpty())
                    .forEach(absent -> problems.add(missing(module, absent)));
        }
    }

    private String missing(Node module, String absent) {
        if (absent.startsWith("java.") || absent.startsWith("jdk.")) {
            return origin + ": module " + where(module) + " requires JDK module " + absent
                    + ", which the boot layer did not load. Start Blip with JAVA_OPTS=\"--add-modules " + absent
                    + "\".";
        }
        String notFound = origin + ": module " + where(module) + " requires module " + absent + ", which is neither in "
                + origin + "/, nor in the boot layer (lib/), nor in another plugin directory. ";
        // A plugin building on a first-party plugin is told where its missing module comes from.
        String shipsIn = FirstParty.shipsModule(absent).orElse(null);
        if (shipsIn != null) {
            return notFound + "It ships in plugins/" + shipsIn + "/; is that directory present? A plugin that "
                    + "builds on it keeps only its own jars in " + origin + "/.";
        }
        Path pluginsDir = dir.dir().getParent();
        return notFound + "Add the jar of " + absent + " to " + origin + "/, or, if it is another plugin's module, "
                + "that plugin's directory to " + (pluginsDir == null ? "plugins" : pluginsDir) + "/.";
    }

    /** Packages in more than one module of the directory: one class loader cannot define them all. */
    private Set<String> packagesInTwoModules() {
        var holders = new TreeMap<String, List<Node>>();
        for (Node module : graph.own()) {
            module.descriptor().packages().forEach(p -> holders.computeIfAbsent(p, k -> new ArrayList<>()).add(module));
        }
        var split = new HashSet<String>();
        holders.forEach((pkg, modules) -> {
            if (modules.size() > 1) {
                split.add(pkg);
                problems.add(origin + ": package " + pkg + " is in more than one module: "
                        + PluginException.and(modules.stream().map(this::where).sorted().toList()) + ". "
                        + SPLIT_ADVICE);
            }
        });
        return split;
    }

    /**
     * What each module of the directory reads: two modules of one name, or two modules that give it
     * one package (its own, or exported to it). Each name and package is reported once, and not
     * again when a check above has.
     */
    private void readers(Set<String> copies, Set<String> split) {
        var names = new HashSet<>(copies);
        var packages = new HashSet<>(split);
        for (Node reader : graph.own()) {
            Set<Node> reads = graph.reads(reader);
            twoOfOneName(reader, reads, names);
            twoSuppliers(reader, reads, packages);
        }
    }

    private void twoOfOneName(Node reader, Set<Node> reads, Set<String> reported) {
        var byName = new LinkedHashMap<String, List<Node>>();
        Stream.concat(Stream.of(reader), reads.stream())
                .forEach(n -> byName.computeIfAbsent(n.name(), k -> new ArrayList<>()).add(n));
        byName.forEach((name, modules) -> {
            if (modules.size() > 1 && reported.add(name)) {
                problems.add(origin + ": module " + where(reader) + " reads two modules named " + name + ", from "
                        + PluginException.and(modules.stream().map(this::layerOf).toList())
                        + ", which it builds on. Keep " + name + " in one of those directories only.");
            }
        });
    }

    private void twoSuppliers(Node reader, Set<Node> reads, Set<String> reported) {
        var suppliers = new TreeMap<String, Node>();
        reader.descriptor().packages().forEach(p -> suppliers.put(p, reader));
        for (Node module : reads) {
            for (String pkg : exportedTo(module, reader)) {
                Node other = suppliers.putIfAbsent(pkg, module);
                // Two modules of one name give the same packages: reported as reading both.
                if (other != null && !other.name().equals(module.name()) && reported.add(pkg)) {
                    problems.add(twoSuppliers(reader, pkg, other, module));
                }
            }
        }
    }

    private String twoSuppliers(Node reader, String pkg, Node first, Node second) {
        if (first.equals(reader)) {
            return origin + ": module " + where(reader) + " contains package " + pkg + ", which module "
                    + where(second) + " also exports to it. " + SPLIT_ADVICE;
        }
        List<String> both = Stream.of(first, second).map(this::where).sorted().toList();
        return origin + ": modules " + both.get(0) + " and " + both.get(1) + " both export package " + pkg
                + " to module " + where(reader) + ". " + SPLIT_ADVICE;
    }

    /**
     * The packages a module gives a module that reads it: an automatic module's all, else those it
     * exports to it. What a module gives every reader is worked out once per module: an automatic
     * module in the directory reads every module below, the JDK's included.
     */
    private List<String> exportedTo(Node module, Node reader) {
        List<String> toAll = exportedToAll.computeIfAbsent(module, m -> m.automatic()
                ? m.descriptor().packages().stream().sorted().toList()
                : m.descriptor().exports().stream().filter(e -> !e.isQualified())
                        .map(ModuleDescriptor.Exports::source).sorted().toList());
        boolean qualified = module.descriptor().exports().stream().anyMatch(ModuleDescriptor.Exports::isQualified);
        if (module.automatic() || !qualified) {
            return toAll;
        }
        return module.descriptor().exports().stream()
                .filter(e -> !e.isQualified() || e.targets().contains(reader.name()))
                .map(ModuleDescriptor.Exports::source)
                .sorted()
                .toList();
    }

    /**
     * {@code io.blip.test.a (a.jar)} in this directory, {@code io.blip.test.base (plugins/base/base.jar)}
     * in a plugin layer this one builds on, or {@code io.blip.api (boot layer)}.
     */
    private String where(Node module) {
        if (module.inDirectory()) {
            return dir.module(module.name());
        }
        return pluginLayerOf(module)
                .map(p -> module.name() + " (" + p.origin() + "/" + PluginLayer.jarOf(module.below()) + ")")
                .orElse(module.name() + " (boot layer)");
    }

    /** {@code plugins/base/ (base.jar)}, or {@code the boot layer (lib/)}. */
    private String inLayer(Node module) {
        return pluginLayerOf(module)
                .map(p -> p.origin() + "/ (" + PluginLayer.jarOf(module.below()) + ")")
                .orElse("the boot layer (lib/)");
    }

    /** {@code plugins/base/}, {@code lib/} or this directory. */
    private String layerOf(Node module) {
        if (module.inDirectory()) {
            return origin + "/";
        }
        return pluginLayerOf(module).map(p -> p.origin() + "/").orElse("lib/");
    }

    private Optional<PluginLayer> pluginLayerOf(Node module) {
        return below.stream()
                .filter(p -> p.layer().configuration() == module.below().configuration())
                .findFirst();
    }
}
