package io.blip.runtime.plugin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.lang.module.ResolvedModule;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One plugin directory made into one child {@link ModuleLayer}: of the layer that holds blip-api,
 * or of the layers of the plugin directories it builds on ({@link PluginGraph}). {@link LayerCheck}
 * finds from the module descriptors what would keep it from being a layer, in messages that name the
 * directory, the jar, the module and the package, and say what to do: before the JDK resolves it,
 * what the JDK would let through; once the JDK has refused it, why. The JDK's own errors are
 * reported as they are only for what that check did not foresee.
 *
 * @param origin  the directory as given (e.g. {@code plugins/aws}), used in messages and {@link Provider#origin()}
 * @param dir     the directory
 * @param layer   the layer of its modules
 * @param modules the names of its modules, sorted
 * @param parents the layers of the plugin directories it builds on; empty when its parent is the layer of blip-api
 */
record PluginLayer(String origin, Path dir, ModuleLayer layer, List<String> modules, List<PluginLayer> parents) {

    private static final Logger log = LoggerFactory.getLogger(PluginLayer.class);

    /**
     * Makes the layer of one directory. Returns empty, with what is wrong added to
     * {@code problems}, when the directory cannot be a layer.
     *
     * @param parents      the layers of the directories it builds on, in directory order; empty for none
     * @param apiLayer     the layer of blip-api: the parent when there are no plugin parents
     * @param parentLoader the class loader the layer's loader delegates to for what its modules do not read
     */
    static Optional<PluginLayer> build(PluginDir dir, List<PluginLayer> parents, ModuleLayer apiLayer,
                                       ClassLoader parentLoader, List<String> problems) {
        if (!LayerCheck.passesWhatTheJdkDoesNotCheck(dir, parents, apiLayer)) {
            problems.addAll(LayerCheck.problems(dir, parents, apiLayer)); // every problem at once
            return Optional.empty();
        }
        List<ModuleLayer> parentLayers = parentLayers(parents, apiLayer);
        Configuration configuration;
        try {
            configuration = Configuration.resolveAndBind(dir.finder(),
                    parentLayers.stream().map(ModuleLayer::configuration).toList(), ModuleFinder.of(),
                    dir.modules().keySet());
        } catch (FindException | ResolutionException e) {
            problems.addAll(explained(dir, parents, apiLayer,
                    dir.origin() + ": the modules do not resolve: " + withCause(e) + ". " + checkRequires(dir)));
            return Optional.empty();
        }
        ModuleLayer layer;
        try {
            layer = ModuleLayer.defineModulesWithOneLoader(configuration, parentLayers, parentLoader).layer();
        } catch (LayerInstantiationException e) {
            problems.addAll(explained(dir, parents, apiLayer, dir.origin() + ": the plugin layer cannot be defined: "
                    + withCause(e) + ". " + checkRequires(dir)));
            return Optional.empty();
        }
        List<String> modules = layer.modules().stream().map(Module::getName).sorted().toList();
        log.debug("{}: plugin layer with {} modules: {}; parents: {}", dir.origin(), modules.size(), modules,
                parents.isEmpty() ? "blip-api" : parents.stream().map(PluginLayer::origin).toList());
        return Optional.of(new PluginLayer(dir.origin(), dir.dir(), layer, modules, List.copyOf(parents)));
    }

    /** Why the JDK refused the directory, in {@link LayerCheck}'s words; the JDK's own when the check found nothing. */
    private static List<String> explained(PluginDir dir, List<PluginLayer> parents, ModuleLayer apiLayer,
                                          String jdkSays) {
        List<String> found = LayerCheck.problems(dir, parents, apiLayer);
        return found.isEmpty() ? List.of(jdkSays) : found;
    }

    /** The parents of a directory's layer: the layers of the directories it builds on, else the layer of blip-api. */
    static List<ModuleLayer> parentLayers(List<PluginLayer> parents, ModuleLayer apiLayer) {
        return parents.isEmpty() ? List.of(apiLayer) : parents.stream().map(PluginLayer::layer).toList();
    }

    private static String checkRequires(PluginDir dir) {
        return "Check the plugin's module-info against the jars in " + dir.origin() + "/, the plugin directories it "
                + "builds on and the boot layer (lib/).";
    }

    /** Every plugin layer this one builds on, directly or through another, nearest first, each once. */
    List<PluginLayer> ancestors() {
        var seen = new LinkedHashSet<PluginLayer>();
        var next = new ArrayDeque<>(parents);
        while (!next.isEmpty()) {
            PluginLayer layer = next.removeFirst();
            if (seen.add(layer)) {
                next.addAll(layer.parents);
            }
        }
        return List.copyOf(seen);
    }

    /**
     * The services that this layer's own modules (those with a module-info) provide besides the
     * blip-api SPIs, sorted: typically an SPI that a parent plugin defines.
     */
    List<String> otherServices() {
        Set<String> blipSpis = Kind.ALL.stream().map(k -> k.spi().getName()).collect(Collectors.toSet());
        return layer.modules().stream()
                .map(Module::getDescriptor)
                .filter(d -> !d.isAutomatic())
                .flatMap(d -> d.provides().stream())
                .map(ModuleDescriptor.Provides::service)
                .filter(service -> !blipSpis.contains(service))
                .distinct()
                .sorted()
                .toList();
    }

    /** The jar file name of a module in any layer, e.g. {@code blip-runtime-0.1.0.jar}. */
    static String jarOf(Module module) {
        ModuleLayer layer = module.getLayer();
        if (layer == null || !module.isNamed()) {
            return "class path";
        }
        return layer.configuration().findModule(module.getName()).map(PluginLayer::jarOf).orElse("no file");
    }

    /** The jar file name of a resolved module, e.g. {@code blip-plugin-aws-0.1.0.jar}. */
    static String jarOf(ResolvedModule module) {
        return module.reference().location().map(PluginLayer::fileName).orElse("no file");
    }

    static String fileName(java.net.URI location) {
        if (!"file".equals(location.getScheme())) {
            return location.toString();
        }
        Path name = Path.of(location).getFileName();
        return name == null ? location.toString() : name.toString();
    }

    /** The message of an exception and its causes, joined by colons. */
    static String withCause(Throwable e) {
        var parts = new ArrayList<String>();
        for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
            parts.add(t.getMessage() == null ? t.getClass().getName() : t.getMessage());
        }
        return String.join(": ", parts);
    }
}
