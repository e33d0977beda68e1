package io.blip.runtime.plugin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One plugin directory made into one child {@link ModuleLayer} of the layer that holds blip-api.
 * Building it translates the JDK's resolution errors into messages that name the directory, the
 * jar, the module and the package, and say what to do.
 *
 * @param origin  the directory as given (e.g. {@code plugins/aws}), used in messages and {@link Provider#origin()}
 * @param dir     the directory
 * @param layer   the layer of its modules
 * @param modules the names of its modules, sorted
 */
record PluginLayer(String origin, Path dir, ModuleLayer layer, List<String> modules) {

    private static final Logger log = LoggerFactory.getLogger(PluginLayer.class);

    private static final String SPLIT_ADVICE =
            "A package may be in one module only: remove one of the jars, or move the package.";

    /**
     * Builds the layer of one directory. Returns empty, with what is wrong added to
     * {@code problems}, when the directory cannot be a layer, and empty with a warning when it
     * holds no jar.
     */
    static Optional<PluginLayer> build(Path dir, ModuleLayer parent, ClassLoader parentLoader, List<String> problems) {
        String origin = dir.toString();
        List<Path> jars;
        try (Stream<Path> entries = Files.list(dir)) {
            jars = entries.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            problems.add(origin + ": cannot list the directory: " + e);
            return Optional.empty();
        }
        if (jars.isEmpty()) {
            log.warn("{}: no jar files, so no plugin layer; put a plugin's jars there or remove the directory", origin);
            return Optional.empty();
        }
        var errors = new Errors(origin, parent);
        ModuleFinder finder = ModuleFinder.of(dir);
        Set<ModuleReference> found;
        try {
            found = finder.findAll();
        } catch (FindException e) {
            problems.add(errors.unreadable(e));
            return Optional.empty();
        }
        found.forEach(errors::remember);

        List<String> bundled = found.stream()
                .map(ref -> ref.descriptor().name())
                .filter(name -> parent.findModule(name).isPresent())
                .sorted()
                .map(errors::alreadyInBoot)
                .toList();
        if (!bundled.isEmpty()) {
            // Resolving would bind the plugin to its own copy (or fail with "reads more than one
            // module"): its providers would then implement another SinkFactory than the runtime's.
            problems.addAll(bundled);
            return Optional.empty();
        }

        Set<String> roots = found.stream().map(ref -> ref.descriptor().name()).collect(Collectors.toSet());
        Configuration configuration;
        try {
            configuration = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
        } catch (FindException e) {
            problems.add(errors.missing(e));
            return Optional.empty();
        } catch (ResolutionException e) {
            problems.add(errors.unresolved(e));
            return Optional.empty();
        }
        ModuleLayer layer;
        try {
            layer = parent.defineModulesWithOneLoader(configuration, parentLoader);
        } catch (LayerInstantiationException e) {
            problems.add(errors.notDefined(e, configuration));
            return Optional.empty();
        }
        List<String> modules = layer.modules().stream().map(Module::getName).sorted().toList();
        log.debug("{}: plugin layer with {} modules: {}", origin, modules.size(), modules);
        return Optional.of(new PluginLayer(origin, dir, layer, modules));
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

    private static String fileName(java.net.URI location) {
        if (!"file".equals(location.getScheme())) {
            return location.toString();
        }
        Path name = Path.of(location).getFileName();
        return name == null ? location.toString() : name.toString();
    }

    /** Turns the JDK's module errors for one directory into advice. */
    private static final class Errors {
        private static final Pattern NOT_FOUND = Pattern.compile("Module (\\S+) not found, required by (\\S+)");
        private static final Pattern TWO_VERSIONS =
                Pattern.compile("Two versions of module (\\S+) found in .* \\((\\S+) and (\\S+)\\)");
        private static final Pattern CONTAINS_AND_EXPORTED =
                Pattern.compile("Module (\\S+) contains package (\\S+), module (\\S+) exports package \\S+ to \\S+");
        private static final Pattern BOTH_EXPORT =
                Pattern.compile("Modules (\\S+) and (\\S+) export package (\\S+) to module (\\S+)");
        private static final Pattern READS_TWO = Pattern.compile("Module (\\S+) reads more than one module named (\\S+)");
        /** "Package p in both module a and module b" (JDK 21) or "Package p in more than one module" (JDK 25). */
        private static final Pattern IN_TWO = Pattern.compile("Package (\\S+) in (both|more than one) module");

        private final String origin;
        private final ModuleLayer parent;
        private final Map<String, String> jarByModule = new TreeMap<>();

        Errors(String origin, ModuleLayer parent) {
            this.origin = origin;
            this.parent = parent;
        }

        void remember(ModuleReference ref) {
            jarByModule.put(ref.descriptor().name(), ref.location().map(PluginLayer::fileName).orElse("no file"));
        }

        /** {@code io.blip.test.a (a.jar)} or {@code io.blip.api (boot layer)}. */
        private String module(String name) {
            String jar = jarByModule.get(name);
            if (jar != null) {
                return name + " (" + jar + ")";
            }
            return parent.findModule(name).isPresent() ? name + " (boot layer)" : name;
        }

        String alreadyInBoot(String module) {
            String jar = jarByModule.get(module);
            return origin + ": " + jar + " holds module " + module + ", which the boot layer (lib/) already has. "
                    + "Remove " + jar + " from " + origin + "/; the plugin's build must give that dependency "
                    + "<scope>provided</scope>.";
        }

        String unreadable(FindException e) {
            Matcher m = TWO_VERSIONS.matcher(String.valueOf(e.getMessage()));
            if (m.find()) {
                return origin + ": " + m.group(2) + " and " + m.group(3) + " both hold module " + m.group(1)
                        + ". Keep one of them.";
            }
            return origin + ": the jars cannot be read as modules: " + withCause(e)
                    + ". Each jar must hold a module-info.class or be usable as an automatic module.";
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
            return origin + ": module " + requiredBy + " requires module " + absent + ", which is neither in "
                    + origin + "/ nor in the boot layer (lib/). Add the jar of " + absent + " to " + origin + "/.";
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
                return origin + ": module " + module(m.group(1)) + " reads two modules named " + m.group(2)
                        + ", one of them in the boot layer (lib/). Remove the copy of " + m.group(2) + " from "
                        + origin + "/.";
            }
            return origin + ": the modules do not resolve: " + withCause(e) + ". " + checkRequires();
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
            return "Check the plugin's module-info against the jars in " + origin + "/ and the boot layer (lib/).";
        }

        private static String withCause(Throwable e) {
            var parts = new ArrayList<String>();
            for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
                parts.add(t.getMessage() == null ? t.getClass().getName() : t.getMessage());
            }
            return String.join(": ", parts);
        }
    }
}
