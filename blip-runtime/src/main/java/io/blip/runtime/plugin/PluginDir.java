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
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Pattern TWO_VERSIONS =
            Pattern.compile("Two versions of module (\\S+) found in .* \\((\\S+) and (\\S+)\\)");

    /**
     * Reads the modules of a directory's jars. Returns empty, with what is wrong added to
     * {@code problems}, when the jars cannot be read as modules, and empty with a warning when
     * the directory holds no jar.
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
        ModuleFinder finder = ModuleFinder.of(dir);
        var modules = new TreeMap<String, ModuleReference>();
        try {
            finder.findAll().forEach(ref -> modules.put(ref.descriptor().name(), ref));
        } catch (FindException e) {
            problems.add(unreadable(origin, e));
            return Optional.empty();
        }
        return Optional.of(new PluginDir(origin, dir, finder, Map.copyOf(modules)));
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

    private static String unreadable(String origin, FindException e) {
        Matcher m = TWO_VERSIONS.matcher(String.valueOf(e.getMessage()));
        if (m.find()) {
            return origin + ": " + m.group(2) + " and " + m.group(3) + " both hold module " + m.group(1)
                    + ". Keep one of them.";
        }
        return origin + ": the jars cannot be read as modules: " + PluginLayer.withCause(e)
                + ". Each jar must hold a module-info.class or be usable as an automatic module.";
    }
}
