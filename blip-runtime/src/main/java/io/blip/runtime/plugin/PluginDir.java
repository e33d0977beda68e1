package io.blip.runtime.plugin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One plugin directory with its jars read as modules, before any layer is built: enough to see
 * which other plugin directories its modules require ({@link PluginGraph}).
 *
 * @param origin  the directory as given (e.g. {@code plugins/aws}), used in messages and {@link Provider#origin()}
 * @param dir     the directory
 * @param finder  finds the modules of its jars
 * @param modules its modules by name, sorted
 */
record PluginDir(String origin, Path dir, ModuleFinder finder, Map<String, ModuleReference> modules) {

    private static final Logger log = LoggerFactory.getLogger(PluginDir.class);

    /**
     * Reads the modules of a directory's jars, each jar on its own so that every jar that cannot be
     * read is named. Returns empty, with what is wrong added to {@code problems}, when a jar cannot
     * be read as a module or two jars hold one module, and empty with a warning when the directory
     * holds no jar.
     */
    static Optional<PluginDir> read(Path dir, List<String> problems) {
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
        var found = new ArrayList<String>();
        var byName = new TreeMap<String, List<ModuleReference>>();
        for (Path jar : jars) {
            readJar(origin, jar, found)
                    .ifPresent(ref -> byName.computeIfAbsent(ref.descriptor().name(), k -> new ArrayList<>()).add(ref));
        }
        byName.forEach((name, refs) -> {
            if (refs.size() > 1) {
                found.add(twoVersions(origin, name, refs));
            }
        });
        if (!found.isEmpty()) {
            problems.addAll(found);
            return Optional.empty();
        }
        var modules = new TreeMap<String, ModuleReference>();
        byName.forEach((name, refs) -> modules.put(name, refs.get(0)));
        return Optional.of(new PluginDir(origin, dir, new Read(Map.copyOf(modules)), Map.copyOf(modules)));
    }

    /** Finds the modules already read, without reading their jars again. */
    private record Read(Map<String, ModuleReference> modules) implements ModuleFinder {
        @Override
        public Optional<ModuleReference> find(String name) {
            return Optional.ofNullable(modules.get(name));
        }

        @Override
        public Set<ModuleReference> findAll() {
            return Set.copyOf(modules.values());
        }
    }

    private static Optional<ModuleReference> readJar(String origin, Path jar, List<String> problems) {
        try {
            return ModuleFinder.of(jar).findAll().stream().findFirst();
        } catch (FindException e) {
            // A provider class in a package the jar lacks is one reason the JDK refuses a jar: say
            // which class, and what to do. Anything else is told in the JDK's words.
            List<String> missingProviders = ProviderClasses.missing(origin, jar, null);
            if (missingProviders.isEmpty()) {
                problems.add(origin + ": " + jar.getFileName() + " cannot be read as a module: "
                        + PluginLayer.withCause(e) + ". Each jar must hold a module-info.class or be usable as an "
                        + "automatic module.");
            }
            problems.addAll(missingProviders);
            return Optional.empty();
        }
    }

    /** {@code lib-1.jar and lib-2.jar both hold module lib (versions 1.0 and 2.0). Keep one of them.} */
    private static String twoVersions(String origin, String name, List<ModuleReference> refs) {
        List<String> jars = refs.stream().map(r -> r.location().map(PluginLayer::fileName).orElse("no file")).toList();
        List<String> versions = refs.stream().map(r -> r.descriptor().rawVersion().orElse("none")).toList();
        String which = versions.stream().allMatch("none"::equals) ? ""
                : " (versions " + PluginException.and(versions) + ")";
        return origin + ": " + PluginException.and(jars) + (jars.size() == 2 ? " both" : " all") + " hold module "
                + name + which + ". Keep one of them.";
    }

    /** The modules with a module-info of their own: only they declare what they require. */
    Stream<ModuleDescriptor> explicitModules() {
        return modules.values().stream().map(ModuleReference::descriptor)
                .filter(d -> !d.isAutomatic())
                .sorted();
    }

    boolean holds(String module) {
        return modules.containsKey(module);
    }

    /** The jar file name of one of its modules, e.g. {@code blip-plugin-aws-0.1.0.jar}. */
    String jar(String module) {
        ModuleReference ref = modules.get(module);
        return ref == null ? "no file" : ref.location().map(PluginLayer::fileName).orElse("no file");
    }

    /** {@code io.blip.test.a (a.jar)}. */
    String module(String name) {
        return name + " (" + jar(name) + ")";
    }
}
