package io.blip.runtime.plugin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.module.InvalidModuleDescriptorException;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/**
 * The provider classes a jar declares, checked against the classes it holds: its module-info's
 * {@code provides S with C}, or, for a jar without a module-info (an automatic module), each line
 * of its {@code META-INF/services} files. Read from the jar itself rather than through the module
 * system: the JDK refuses a jar whose provider is in a package the jar lacks, and a missing class
 * in a package it has fails only once ServiceLoader gets to it.
 */
final class ProviderClasses {
    private static final String SERVICES = "META-INF/services/";

    /** One provider class a jar declares for a service. */
    private record Declared(String service, String className) {
        String classFile() {
            return className.replace('.', '/') + ".class";
        }

        String packageName() {
            int dot = className.lastIndexOf('.');
            return dot < 0 ? "" : className.substring(0, dot);
        }
    }

    private ProviderClasses() {
    }

    /**
     * One problem per provider class the jar declares but does not hold; none when the jar cannot
     * be opened, as reading it as a module then says why.
     *
     * @param module the name of the jar's module, or null for a jar the JDK cannot read
     */
    static List<String> missing(String origin, Path jar, String module) {
        String jarName = String.valueOf(jar.getFileName());
        try (var file = new JarFile(jar.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
            JarEntry moduleInfo = file.getJarEntry("module-info.class");
            if (moduleInfo == null) {
                String label = module == null ? jarName : "module " + module + " (" + jarName + ")";
                return missing(file, inServiceFiles(file), provider -> origin + ": " + label + " names "
                        + provider.className() + " in " + SERVICES + provider.service()
                        + notHeld(file, jarName, provider, "that line out of " + SERVICES + provider.service()));
            }
            ModuleDescriptor descriptor = descriptor(file, moduleInfo);
            return missing(file, inModuleInfo(descriptor), provider -> origin + ": module " + descriptor.name()
                    + " (" + jarName + ") provides " + provider.service() + " with " + provider.className()
                    + notHeld(file, jarName, provider, provider.className() + " out of the module's provides"));
        } catch (IOException | UncheckedIOException | InvalidModuleDescriptorException e) {
            return List.of();
        }
    }

    private static List<String> missing(JarFile file, List<Declared> declared, Function<Declared, String> problem) {
        return declared.stream()
                .filter(provider -> file.getJarEntry(provider.classFile()) == null)
                .map(problem)
                .toList();
    }

    /**
     * {@code ", but a.jar holds no class p.C. a.jar is incomplete: ..."}, saying so when the jar has
     * no class in the provider's package either.
     */
    private static String notHeld(JarFile file, String jarName, Declared provider, String undo) {
        String dir = provider.packageName().replace('.', '/') + "/";
        boolean hasPackage = file.versionedStream().map(JarEntry::getName)
                .anyMatch(name -> name.startsWith(dir) && name.endsWith(".class")
                        && name.indexOf('/', dir.length()) < 0);
        return ", but " + jarName + " holds no class " + provider.className()
                + (hasPackage ? "" : " (nor any class in package " + provider.packageName() + ")") + ". " + jarName
                + " is incomplete: replace it with a complete build, or take " + undo + ".";
    }

    private static List<Declared> inModuleInfo(ModuleDescriptor descriptor) {
        return descriptor.provides().stream().sorted()
                .flatMap(p -> p.providers().stream().map(c -> new Declared(p.service(), c)))
                .toList();
    }

    /** The module-info as compiled, not checked against the jar's packages, as the JDK does. */
    private static ModuleDescriptor descriptor(JarFile file, JarEntry moduleInfo) throws IOException {
        try (InputStream in = file.getInputStream(moduleInfo)) {
            return ModuleDescriptor.read(in);
        }
    }

    /** As the JDK reads them for an automatic module: a class name a line, {@code #} starting a comment. */
    private static List<Declared> inServiceFiles(JarFile file) {
        return file.stream()
                .filter(e -> !e.isDirectory() && e.getName().startsWith(SERVICES)
                        && e.getName().indexOf('/', SERVICES.length()) < 0)
                .sorted((a, b) -> a.getName().compareTo(b.getName()))
                .flatMap(e -> lines(file, e).stream()
                        .map(className -> new Declared(e.getName().substring(SERVICES.length()), className)))
                .toList();
    }

    private static List<String> lines(JarFile file, JarEntry entry) {
        try (var reader = new BufferedReader(
                new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8))) {
            return reader.lines()
                    .map(line -> line.indexOf('#') < 0 ? line : line.substring(0, line.indexOf('#')))
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
