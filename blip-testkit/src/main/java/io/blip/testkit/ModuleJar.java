package io.blip.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A modular jar compiled at test time from Java sources, against blip-api and any other jars
 * given: the building block of {@link PluginDirs}.
 *
 * <pre>{@code
 * Path jar = new ModuleJar("io.blip.test.hello")
 *         .source("io.blip.test.hello.HelloSinkFactory", PluginDirs.sinkFactorySource(...))
 *         .provides("io.blip.api.sink.SinkFactory", "io.blip.test.hello.HelloSinkFactory")
 *         .writeTo(dir.resolve("hello.jar"));
 * }</pre>
 */
public final class ModuleJar {
    private final String name;
    private final List<String> requires = new ArrayList<>(List.of("io.blip.api"));
    private final List<String> exports = new ArrayList<>();
    private final List<String> uses = new ArrayList<>();
    private final Map<String, List<String>> provides = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, String> looseSources = new LinkedHashMap<>();
    private final List<Path> modulePath = new ArrayList<>();
    private final List<String> leftOut = new ArrayList<>();
    private final Map<String, Integer> classFileVersions = new LinkedHashMap<>();
    private String version;

    /** A module that requires {@code io.blip.api}, as every plugin does. */
    public ModuleJar(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public ModuleJar requires(String module) {
        requires.add(module);
        return this;
    }

    /** {@code requires static module}: needed to compile, optional at run time. */
    public ModuleJar requiresStatic(String module) {
        requires.add("static " + module);
        return this;
    }

    /** {@code requires transitive module}: whoever reads this module reads that one too. */
    public ModuleJar requiresTransitive(String module) {
        requires.add("transitive " + module);
        return this;
    }

    public ModuleJar uses(String service) {
        uses.add(service);
        return this;
    }

    public ModuleJar exports(String pkg) {
        exports.add(pkg);
        return this;
    }

    public ModuleJar provides(String service, String implementation) {
        provides.computeIfAbsent(service, k -> new ArrayList<>()).add(implementation);
        return this;
    }

    /** Adds a compilation unit. */
    public ModuleJar source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /**
     * Adds a class compiled on its own, outside the module, then put in the jar: for classes javac
     * refuses in a module, such as one in a package that blip-api exports.
     */
    public ModuleJar looseSource(String className, String code) {
        looseSources.put(className, code);
        return this;
    }

    /**
     * Jars besides blip-api that the sources compile against (they are not put in the jar): jar
     * files, or directories of jars such as another plugin's directory.
     */
    public ModuleJar compileAgainst(Path... jars) {
        modulePath.addAll(List.of(jars));
        return this;
    }

    /** The module's version ({@code javac --module-version}), e.g. {@code 1.0}. */
    public ModuleJar version(String version) {
        this.version = version;
        return this;
    }

    /**
     * Compiles a class of {@link #source} but leaves its class file out of the jar: a jar whose
     * module-info names a class it does not hold.
     */
    public ModuleJar leaveOut(String className) {
        leftOut.add(className);
        return this;
    }

    /**
     * Writes a class of {@link #source} with another class-file major version, e.g. that of a Java
     * newer than the one running ({@code Runtime.version().feature() + 45}); the rest of the class
     * file is left as compiled.
     */
    public ModuleJar classFileVersion(String className, int major) {
        classFileVersions.put(className, major);
        return this;
    }

    /** The module-info.java this jar gets. */
    public String moduleInfoSource() {
        var out = new StringBuilder("module ").append(name).append(" {\n");
        requires.forEach(r -> out.append("    requires ").append(r).append(";\n"));
        exports.forEach(e -> out.append("    exports ").append(e).append(";\n"));
        uses.forEach(u -> out.append("    uses ").append(u).append(";\n"));
        provides.forEach((service, impls) -> out.append("    provides ").append(service).append(" with ")
                .append(String.join(", ", impls)).append(";\n"));
        return out.append("}\n").toString();
    }

    /** Compiles the sources and writes the jar; returns it. */
    public Path writeTo(Path jar) {
        try {
            Path work = Files.createTempDirectory("blip-module-" + name + "-");
            Path src = work.resolve("src");
            Path classes = work.resolve("classes");
            Files.createDirectories(classes);
            if (!looseSources.isEmpty()) {
                compile(writeSources(work.resolve("loose"), looseSources), classes, false);
            }
            var files = writeSources(src, sources);
            files.add(write(src.resolve("module-info.java"), moduleInfoSource()));
            compile(files, classes, true);
            for (String className : leftOut) {
                Files.delete(classFile(classes, className));
            }
            for (var patch : classFileVersions.entrySet()) {
                setMajorVersion(classFile(classes, patch.getKey()), patch.getValue());
            }
            Files.createDirectories(jar.toAbsolutePath().getParent());
            writeJar(classes, jar);
            PluginDirs.deleteTree(work);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build module jar " + name, e);
        }
    }

    private static Path classFile(Path classes, String className) {
        return classes.resolve(className.replace('.', '/') + ".class");
    }

    /** Bytes 6 and 7 of a class file, after the magic number and the minor version. */
    private static void setMajorVersion(Path classFile, int major) throws IOException {
        byte[] bytes = Files.readAllBytes(classFile);
        bytes[6] = (byte) (major >>> 8);
        bytes[7] = (byte) major;
        Files.write(classFile, bytes);
    }

    private static List<Path> writeSources(Path root, Map<String, String> sources) throws IOException {
        var files = new ArrayList<Path>();
        for (var source : sources.entrySet()) {
            files.add(write(root.resolve(source.getKey().replace('.', '/') + ".java"), source.getValue()));
        }
        return files;
    }

    private void compile(List<Path> files, Path classes, boolean asModule) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("ModuleJar compiles plugins at test time and needs a JDK, not a JRE");
        }
        var path = new ArrayList<Path>();
        path.add(PluginDirs.apiJar());
        path.addAll(modulePath);
        String pathOption = path.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
        var options = new ArrayList<>(List.of("--release", "21", "-d", classes.toString(), "-Xlint:none",
                "-implicit:none"));
        options.addAll(List.of(asModule ? "--module-path" : "--class-path", pathOption));
        if (asModule && version != null) {
            options.addAll(List.of("--module-version", version));
        }
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        var log = new StringWriter();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            Boolean ok = javac.getTask(log, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
            if (!Boolean.TRUE.equals(ok)) {
                String errors = diagnostics.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> d.getSource() == null ? d.getMessage(Locale.ROOT)
                                : d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("\n"));
                throw new IllegalStateException("module " + name + " does not compile:\n" + errors + log);
            }
        }
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    /** Writes the files under {@code root} into a jar, module-info.class first. */
    static void writeJar(Path root, Path jar) throws IOException {
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !root.relativize(p).toString().replace('\\', '/').equals("META-INF/MANIFEST.MF"))
                    .sorted((a, b) -> {
                        boolean ma = a.getFileName().toString().equals("module-info.class");
                        boolean mb = b.getFileName().toString().equals("module-info.class");
                        return ma == mb ? a.compareTo(b) : ma ? -1 : 1;
                    })
                    .toList();
        }
        try (OutputStream out = Files.newOutputStream(jar); var jarOut = new JarOutputStream(out, manifest)) {
            for (Path file : files) {
                jarOut.putNextEntry(new JarEntry(root.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, jarOut);
                jarOut.closeEntry();
            }
        }
    }
}
