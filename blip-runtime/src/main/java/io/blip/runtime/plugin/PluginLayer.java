package io.blip.runtime.plugin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One plugin directory made into one child {@link ModuleLayer}: of the layer that holds blip-api,
 * or of the layers of the plugin directories it builds on ({@link PluginGraph}). Building it
 * translates the JDK's resolution errors into messages that name the directory, the jar, the
 * module and the package, and say what to do.
 *
 * @param origin  the directory as given (e.g. {@code plugins/aws}), used in messages and {@link Provider#origin()}
 * @param dir     the directory
 * @param layer   the layer of its modules
 * @param modules the names of its modules, sorted
 * @param parents the layers of the plugin directories it builds on; empty when its parent is the layer of blip-api
 */
record PluginLayer(String origin, Path dir, ModuleLayer layer, List<String> modules, List<PluginLayer> parents) {

    private static final Logger log = LoggerFactory.getLogger(PluginLayer.class);

    private static final String SPLIT_ADVICE =
            "A package may be in one module only: remove one of the jars, or move the package.";

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
        var errors = new Errors(dir, parents, apiLayer);
        List<String> bundled = dir.modules().keySet().stream()
                .filter(name -> apiLayer.findModule(name).isPresent())
                .map(errors::alreadyInBoot)
                .toList();
        if (!bundled.isEmpty()) {
            // Resolving would bind the plugin to its own copy (or fail with "reads more than one
            // module"): its providers would then implement another SinkFactory than the runtime's.
            problems.addAll(bundled);
            return Optional.empty();
        }

        List<ModuleLayer> parentLayers = parents.isEmpty()
                ? List.of(apiLayer)
                : parents.stream().map(PluginLayer::layer).toList();
        Configuration configuration;
        try {
            configuration = Configuration.resolveAndBind(dir.finder(),
                    parentLayers.stream().map(ModuleLayer::configuration).toList(), ModuleFinder.of(),
                    dir.modules().keySet());
        } catch (FindException e) {
            problems.add(errors.missing(e));
            return Optional.empty();
        } catch (ResolutionException e) {
            problems.add(errors.unresolved(e));
            return Optional.empty();
        }
        ModuleLayer layer;
        try {
            layer = ModuleLayer.defineModulesWithOneLoader(configuration, parentLayers, parentLoader).layer();
        } catch (LayerInstantiationException e) {
            problems.add(errors.notDefined(e, configuration));
            return Optional.empty();
        }
        List<String> modules = layer.modules().stream().map(Module::getName).sorted().toList();
        log.debug("{}: plugin layer with {} modules: {}; parents: {}", dir.origin(), modules.size(), modules,
                parents.isEmpty() ? "blip-api" : parents.stream().map(PluginLayer::origin).toList());
        return Optional.of(new PluginLayer(dir.origin(), dir.dir(), layer, modules, List.copyOf(parents)));
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
        return layer.configuration().findModule(module.getName())
                .flatMap(resolved -> resolved.reference().location())
                .map(PluginLayer::fileName)
                .orElse("no file");
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

    /** Turns the JDK's module errors for one directory into advice. */
    private static final class Errors {
        private static final Pattern NOT_FOUND = Pattern.compile("Module (\\S+) not found, required by (\\S+)");
        private static final Pattern CONTAINS_AND_EXPORTED =
                Pattern.compile("Module (\\S+) contains package (\\S+), module (\\S+) exports package \\S+ to \\S+");
        private static final Pattern BOTH_EXPORT =
                Pattern.compile("Modules (\\S+) and (\\S+) export package (\\S+) to module (\\S+)");
        private static final Pattern READS_TWO = Pattern.compile("Module (\\S+) reads more than one module named (\\S+)");
        /** "Package p in both module a and module b" (JDK 21) or "Package p in more than one module" (JDK 25). */
        private static final Pattern IN_TWO = Pattern.compile("Package (\\S+) in (both|more than one) module");

        /**
         * Modules that first-party plugins ship, by directory under plugins/, so that a plugin
         * building on one of them can be told where its missing module comes from.
         */
        private static final Map<String, String> FIRST_PARTY_MODULES = Map.of(
                "io.blip.plugin.aws", "aws",
                "io.blip.plugin.tls.rds", "tls-rds",
                "io.blip.sink.otlp", "otlp");
        private static final String AWS_SDK_PREFIX = "software.amazon.awssdk.";

        private final PluginDir dir;
        private final String origin;
        private final List<PluginLayer> ancestors;
        private final ModuleLayer apiLayer;

        Errors(PluginDir dir, List<PluginLayer> parents, ModuleLayer apiLayer) {
            this.dir = dir;
            this.origin = dir.origin();
            this.ancestors = parents.stream()
                    .flatMap(p -> Stream.concat(Stream.of(p), p.ancestors().stream()))
                    .distinct()
                    .toList();
            this.apiLayer = apiLayer;
        }

        /**
         * {@code io.blip.test.a (a.jar)} in this directory, {@code io.blip.test.base (plugins/base/base.jar)}
         * in a plugin layer this one builds on, or {@code io.blip.api (boot layer)}.
         */
        private String module(String name) {
            if (dir.holds(name)) {
                return dir.module(name);
            }
            Optional<PluginLayer> inPlugin = pluginsHolding(name).findFirst();
            if (inPlugin.isPresent()) {
                return name + " (" + inPlugin.get().origin() + "/" + jarIn(inPlugin.get(), name) + ")";
            }
            return apiLayer.findModule(name).isPresent() ? name + " (boot layer)" : name;
        }

        /** The plugin layers this one builds on whose own modules include {@code name}, nearest first. */
        private Stream<PluginLayer> pluginsHolding(String name) {
            return ancestors.stream()
                    .filter(p -> p.layer().findModule(name).filter(m -> m.getLayer() == p.layer()).isPresent());
        }

        private static String jarIn(PluginLayer layer, String module) {
            return layer.layer().findModule(module).map(PluginLayer::jarOf).orElse("no file");
        }

        String alreadyInBoot(String module) {
            String jar = dir.jar(module);
            return origin + ": " + jar + " holds module " + module + ", which the boot layer (lib/) already has. "
                    + "Remove " + jar + " from " + origin + "/; the plugin's build must give that dependency "
                    + "<scope>provided</scope>.";
        }

        String missing(FindException e) {
            Matcher m = NOT_FOUND.matcher(String.valueOf(e.getMessage()));
            if (!m.find()) {
                return origin + ": the modules do not resolve: " + withCause(e) + ". " + checkRequires();
            }
            String absent = m.group(1);
            String requiredBy = module(m.group(2));
            if (absent.startsWith("java.") || absent.startsWith("jdk.")) {
                return origin + ": module " + requiredBy + " requires JDK module " + absent
                        + ", which the boot layer did not load. Start Blip with JAVA_OPTS=\"--add-modules " + absent
                        + "\".";
            }
            String where = origin + ": module " + requiredBy + " requires module " + absent + ", which is neither in "
                    + origin + "/, nor in the boot layer (lib/), nor in another plugin directory. ";
            String shipsIn = shipsIn(absent);
            if (shipsIn != null) {
                return where + "It ships in plugins/" + shipsIn + "/; is that directory present? A plugin that "
                        + "builds on it keeps only its own jars in " + origin + "/.";
            }
            Path pluginsDir = dir.dir().getParent();
            return where + "Add the jar of " + absent + " to " + origin + "/, or, if it is another plugin's module, "
                    + "that plugin's directory to " + (pluginsDir == null ? "plugins" : pluginsDir) + "/.";
        }

        private static String shipsIn(String module) {
            String dir = FIRST_PARTY_MODULES.get(module);
            return dir != null ? dir : module.startsWith(AWS_SDK_PREFIX) ? "aws" : null;
        }

        String unresolved(ResolutionException e) {
            String message = String.valueOf(e.getMessage());
            Matcher m = CONTAINS_AND_EXPORTED.matcher(message);
            if (m.find()) {
                return origin + ": module " + module(m.group(1)) + " contains package " + m.group(2)
                        + ", which module " + module(m.group(3)) + " also exports to it. " + SPLIT_ADVICE;
            }
            m = BOTH_EXPORT.matcher(message);
            if (m.find()) {
                return origin + ": modules " + module(m.group(1)) + " and " + module(m.group(2))
                        + " both export package " + m.group(3) + " to module " + module(m.group(4)) + ". "
                        + SPLIT_ADVICE;
            }
            m = READS_TWO.matcher(message);
            if (m.find()) {
                return readsTwo(m.group(1), m.group(2));
            }
            return origin + ": the modules do not resolve: " + withCause(e) + ". " + checkRequires();
        }

        private String readsTwo(String reader, String twice) {
            List<PluginLayer> inPlugins = pluginsHolding(twice).toList();
            if (dir.holds(twice) && !inPlugins.isEmpty()) {
                // The usual mistake: a plugin that builds on another ships copies of that plugin's jars.
                PluginLayer parent = inPlugins.get(0);
                return origin + ": module " + module(reader) + " reads two modules named " + twice + ": its own copy ("
                        + dir.jar(twice) + ") and the one in " + parent.origin() + "/ (" + jarIn(parent, twice)
                        + "), which it builds on. Remove " + dir.jar(twice) + " from " + origin + "/: a plugin that "
                        + "builds on another keeps only its own jars.";
            }
            if (!inPlugins.isEmpty()) {
                return origin + ": module " + module(reader) + " reads two modules named " + twice + ", from "
                        + String.join(" and ", inPlugins.stream().map(p -> p.origin() + "/").toList())
                        + ", which it builds on. Keep " + twice + " in one of those directories only.";
            }
            return origin + ": module " + module(reader) + " reads two modules named " + twice
                    + ", one of them in the boot layer (lib/). Remove the copy of " + twice + " from " + origin + "/.";
        }

        String notDefined(LayerInstantiationException e, Configuration configuration) {
            Matcher m = IN_TWO.matcher(String.valueOf(e.getMessage()));
            if (m.find()) {
                String pkg = m.group(1);
                List<String> holders = configuration.modules().stream()
                        .filter(rm -> rm.reference().descriptor().packages().contains(pkg))
                        .map(rm -> module(rm.name()))
                        .sorted()
                        .toList();
                if (holders.size() >= 2) {
                    return origin + ": package " + pkg + " is in more than one module: "
                            + String.join(", ", holders.subList(0, holders.size() - 1)) + " and "
                            + holders.get(holders.size() - 1) + ". " + SPLIT_ADVICE;
                }
            }
            return origin + ": the plugin layer cannot be defined: " + withCause(e) + ". " + checkRequires();
        }

        private String checkRequires() {
            return "Check the plugin's module-info against the jars in " + origin + "/, the plugin directories it "
                    + "builds on and the boot layer (lib/).";
        }
    }
}
