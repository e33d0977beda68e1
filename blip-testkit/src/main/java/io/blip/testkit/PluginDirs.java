package io.blip.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Plugin directories built at test time (like Kafka Connect's {@code TestPlugins}): real modular
 * jars compiled from source against the blip-api this JVM runs, written into
 * {@code <pluginsDir>/<name>/}, including deliberately broken ones. Each method returns the
 * directory it wrote.
 *
 * <p>blip-api is found from the code source of {@code io.blip.api.MetricType}, or from the system
 * property {@value #API_JAR_PROPERTY}; when it is a directory ({@code target/classes} during
 * {@code mvn test}) it is jarred first.
 */
public final class PluginDirs {
    /** System property naming the blip-api jar or classes directory, if its code source is unknown. */
    public static final String API_JAR_PROPERTY = "blip.api.jar";

    /**
     * The class that {@link #providerNeedingAbsentClass} compiles against and leaves out: public,
     * not final, with a public no-argument constructor, in module {@code io.blip.test.gone}, which
     * exports its package.
     */
    public static final String ABSENT_CLASS = "io.blip.test.gone.Gone";

    private static final String SINK_FACTORY = "io.blip.api.sink.SinkFactory";

    private PluginDirs() {
    }

    /** The blip-api jar (a modular jar, module {@code io.blip.api}). */
    public static Path apiJar() {
        return ApiJar.PATH;
    }

    /** A plugin with one sink factory named {@code sinkName}, in {@code <pluginsDir>/<dirName>/<module>.jar}. */
    public static Path sinkPlugin(Path pluginsDir, String dirName, String module, String sinkName) {
        Path dir = pluginsDir.resolve(dirName);
        sinkModule(module, sinkName, "", "").writeTo(dir.resolve(module + ".jar"));
        return dir;
    }

    /** Module {@code module} providing the sink factory {@code <module>.Sinks} (see {@link #sinkFactorySource}). */
    private static ModuleJar sinkModule(String module, String sinkName, String constructorBody, String members) {
        String className = module + ".Sinks";
        return new ModuleJar(module)
                .source(className, sinkFactorySource(className, sinkName, constructorBody, members))
                .provides(SINK_FACTORY, className);
    }

    /**
     * A metric translator plugin, in {@code <pluginsDir>/<dirName>/<module>.jar}: translator
     * {@code translatorName} sends {@code <domain>.<metric>} of the domains in {@code renamed} as
     * {@code <renamed domain>.<metric>} and leaves every other metric Blip's name (it answers null).
     */
    public static Path translatorPlugin(Path pluginsDir, String dirName, String module, String translatorName,
                                        Map<String, String> renamed) {
        String className = module + ".Names";
        var cases = new StringBuilder();
        renamed.forEach((from, to) -> cases.append("            case \"").append(from).append("\" -> \"")
                .append(to).append(".\" + metric;\n"));
        String source = """
                package %s;

                public final class Names implements io.blip.api.sink.MetricTranslator {
                    public String name() {
                        return "%s";
                    }

                    public String description() {
                        return "renames domains for a test";
                    }

                    public String translate(String domain, String metric) {
                        return switch (domain) {
                %s            default -> null;
                        };
                    }
                }
                """.formatted(module, translatorName, cases);
        Path dir = pluginsDir.resolve(dirName);
        new ModuleJar(module).source(className, source)
                .provides("io.blip.api.sink.MetricTranslator", className).writeTo(dir.resolve(module + ".jar"));
        return dir;
    }

    /**
     * A working sink plugin (sink {@code bundler}, module {@code io.blip.test.bundler}) that also
     * bundles a copy of the blip-api jar as {@code blip-api.jar}.
     */
    public static Path bundlingApi(Path pluginsDir, String dirName) {
        Path dir = sinkPlugin(pluginsDir, dirName, "io.blip.test.bundler", "bundler");
        copy(apiJar(), dir.resolve("blip-api.jar"));
        return dir;
    }

    /**
     * Two modules, {@code io.blip.test.split.one} ({@code one.jar}) and {@code io.blip.test.split.two}
     * ({@code two.jar}), that both contain package {@code io.blip.test.split}.
     */
    public static Path splitPackage(Path pluginsDir, String dirName) {
        Path dir = pluginsDir.resolve(dirName);
        new ModuleJar("io.blip.test.split.one")
                .source("io.blip.test.split.One", "package io.blip.test.split;\npublic final class One {}\n")
                .writeTo(dir.resolve("one.jar"));
        new ModuleJar("io.blip.test.split.two")
                .source("io.blip.test.split.Two", "package io.blip.test.split;\npublic final class Two {}\n")
                .writeTo(dir.resolve("two.jar"));
        return dir;
    }

    /** A module ({@code io.blip.test.apipkg}, {@code apipkg.jar}) with a class in blip-api's package {@code io.blip.api.sink}. */
    public static Path apiPackage(Path pluginsDir, String dirName) {
        Path dir = pluginsDir.resolve(dirName);
        new ModuleJar("io.blip.test.apipkg")
                .source("io.blip.test.apipkg.Holder", "package io.blip.test.apipkg;\npublic final class Holder {}\n")
                .looseSource("io.blip.api.sink.Impostor", "package io.blip.api.sink;\npublic final class Impostor {}\n")
                .writeTo(dir.resolve("apipkg.jar"));
        return dir;
    }

    /**
     * A module ({@code io.blip.test.needy}, {@code needy.jar}) that requires {@code io.blip.test.absent},
     * whose jar is not in the directory.
     */
    public static Path missingRequire(Path pluginsDir, String dirName) {
        Path dir = pluginsDir.resolve(dirName);
        Path work = tempDir("blip-absent-");
        Path absent = new ModuleJar("io.blip.test.absent")
                .source("io.blip.test.absent.Gone", "package io.blip.test.absent;\npublic final class Gone {}\n")
                .exports("io.blip.test.absent")
                .writeTo(work.resolve("absent.jar"));
        new ModuleJar("io.blip.test.needy")
                .requires("io.blip.test.absent")
                .compileAgainst(absent)
                .source("io.blip.test.needy.Needy",
                        "package io.blip.test.needy;\npublic final class Needy { io.blip.test.absent.Gone gone; }\n")
                .writeTo(dir.resolve("needy.jar"));
        deleteTree(work);
        return dir;
    }

    /**
     * A sink provider ({@code io.blip.test.boom.Sinks} in module {@code io.blip.test.boom},
     * {@code boom.jar}) whose constructor throws {@code IllegalStateException: boom on purpose}.
     */
    public static Path throwingProvider(Path pluginsDir, String dirName) {
        Path dir = pluginsDir.resolve(dirName);
        sinkModule("io.blip.test.boom", "boom", "throw new IllegalStateException(\"boom on purpose\");", "")
                .writeTo(dir.resolve("boom.jar"));
        return dir;
    }

    /**
     * A module ({@code io.blip.test.ghost}, {@code ghost.jar}) that provides the sink factory
     * {@code io.blip.test.ghost.Sinks}, whose class file is not in the jar; another class keeps its
     * package there.
     */
    public static Path providerWithoutClass(Path pluginsDir, String dirName) {
        Path dir = pluginsDir.resolve(dirName);
        sinkModule("io.blip.test.ghost", "ghost", "", "")
                .source("io.blip.test.ghost.Other", "package io.blip.test.ghost;\npublic final class Other {}\n")
                .leaveOut("io.blip.test.ghost.Sinks")
                .writeTo(dir.resolve("ghost.jar"));
        return dir;
    }

    /**
     * A jar without a module-info ({@code nowhere.jar}, so automatic module {@code nowhere}) whose
     * {@code META-INF/services/io.blip.api.sink.SinkFactory} names {@code io.blip.test.nowhere.Sinks},
     * while the jar holds no class at all.
     */
    public static Path serviceFileWithoutClass(Path pluginsDir, String dirName) {
        Path dir = pluginsDir.resolve(dirName);
        Path work = tempDir("blip-nowhere-");
        try {
            Path services = work.resolve("META-INF/services/" + SINK_FACTORY);
            Files.createDirectories(services.getParent());
            Files.writeString(services, "# the one sink\nio.blip.test.nowhere.Sinks\n");
            Files.createDirectories(dir);
            ModuleJar.writeJar(work, dir.resolve("nowhere.jar"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        deleteTree(work);
        return dir;
    }

    /**
     * A sink plugin whose provider {@code className}, compiled from {@code source}, needs
     * {@value #ABSENT_CLASS}: module {@code module} ({@code <module>.jar}) requires
     * {@code io.blip.test.gone} {@code static}, so it compiles against that module and resolves
     * without it, and the directory does not hold it.
     */
    public static Path providerNeedingAbsentClass(Path pluginsDir, String dirName, String module, String className,
                                                  String source) {
        Path dir = pluginsDir.resolve(dirName);
        Path work = tempDir("blip-gone-");
        Path gone = new ModuleJar("io.blip.test.gone")
                .source(ABSENT_CLASS, "package io.blip.test.gone;\npublic class Gone {\n"
                        + "    @Override public String toString() { return \"gone\"; }\n}\n")
                .exports("io.blip.test.gone")
                .writeTo(work.resolve("gone.jar"));
        new ModuleJar(module)
                .requiresStatic("io.blip.test.gone")
                .compileAgainst(gone)
                .source(className, source)
                .provides(SINK_FACTORY, className)
                .writeTo(dir.resolve(module + ".jar"));
        deleteTree(work);
        return dir;
    }

    /**
     * A sink provider ({@code io.blip.test.init.Sinks} in module {@code io.blip.test.init},
     * {@code init.jar}) whose static initializer throws {@code IllegalStateException: init on purpose}.
     */
    public static Path failingInitializer(Path pluginsDir, String dirName) {
        Path dir = pluginsDir.resolve(dirName);
        sinkModule("io.blip.test.init", "init", "", """
                static {
                    if (Boolean.parseBoolean("true")) {
                        throw new IllegalStateException("init on purpose");
                    }
                }
                """).writeTo(dir.resolve("init.jar"));
        return dir;
    }

    /**
     * A sink plugin like {@link #sinkPlugin} whose provider class, {@code <module>.Sinks}, has
     * class-file major version {@code major}: for a Java newer than the one running,
     * {@code Runtime.version().feature() + 45}.
     */
    public static Path newerClassFile(Path pluginsDir, String dirName, String module, String sinkName, int major) {
        Path dir = pluginsDir.resolve(dirName);
        sinkModule(module, sinkName, "", "").classFileVersion(module + ".Sinks", major)
                .writeTo(dir.resolve(module + ".jar"));
        return dir;
    }

    /**
     * A plugin that defines an SPI for further plugins, as blip-plugin-aws does with
     * {@code AwsCredentialsFactory}: module {@code module} ({@code <module>.jar}) exports package
     * {@code <module>.spi} with the interface {@link #greeterSpi Greeter} ({@code String greeting()}),
     * declares {@code uses} for it, and provides a sink named {@code sinkName}.
     */
    public static Path spiPlugin(Path pluginsDir, String dirName, String module, String sinkName) {
        Path dir = pluginsDir.resolve(dirName);
        String sinks = module + ".Sinks";
        String spi = greeterSpi(module);
        new ModuleJar(module)
                .source(spi, "package " + module + ".spi;\n\npublic interface Greeter {\n    String greeting();\n}\n")
                .source(sinks, sinkFactorySource(sinks, sinkName, ""))
                .exports(module + ".spi")
                .uses(spi)
                .provides(SINK_FACTORY, sinks)
                .writeTo(dir.resolve(module + ".jar"));
        return dir;
    }

    /** The SPI that {@link #spiPlugin} defines in module {@code baseModule}: {@code <baseModule>.spi.Greeter}. */
    public static String greeterSpi(String baseModule) {
        return baseModule + ".spi.Greeter";
    }

    /**
     * A plugin that builds on a {@link #spiPlugin}: module {@code module} ({@code <module>.jar})
     * requires {@code baseModule} and provides its {@code Greeter} with {@code <module>.Hello},
     * whose {@code greeting()} and {@code toString()} are {@code hello from <module>}. It compiles
     * against the jars in {@code baseDir}, which need not be under {@code pluginsDir} and are not
     * copied: the directory holds the plugin's own jar only.
     */
    public static Path greeterPlugin(Path pluginsDir, String dirName, String module, String baseModule, Path baseDir) {
        Path dir = pluginsDir.resolve(dirName);
        String hello = module + ".Hello";
        new ModuleJar(module)
                .requires(baseModule)
                .compileAgainst(baseDir)
                .source(hello, """
                        package %s;

                        public final class Hello implements %s {
                            @Override public String greeting() { return "hello from %s"; }
                            @Override public String toString() { return greeting(); }
                        }
                        """.formatted(module, greeterSpi(baseModule), module))
                .provides(greeterSpi(baseModule), hello)
                .writeTo(dir.resolve(module + ".jar"));
        return dir;
    }

    /**
     * Plugin directories whose modules require each other in a cycle: directory {@code dirNames[i]}
     * holds module {@code io.blip.test.<dirName>} ({@code <dirName>.jar}), which requires the module
     * of the next directory, and the last the first's. javac refuses cyclic modules, so each is
     * compiled against a stub of the next module that requires nothing. Names must be Java identifiers.
     */
    public static List<Path> cycle(Path pluginsDir, String... dirNames) {
        if (dirNames.length < 2) {
            throw new IllegalArgumentException("a cycle needs two directories or more");
        }
        Path work = tempDir("blip-cycle-");
        var dirs = new ArrayList<Path>();
        for (int i = 0; i < dirNames.length; i++) {
            String module = "io.blip.test." + dirNames[i];
            String next = "io.blip.test." + dirNames[(i + 1) % dirNames.length];
            Path stub = new ModuleJar(next)
                    .source(next + ".Stub", "package " + next + ";\npublic final class Stub {}\n")
                    .writeTo(work.resolve(i + "/" + next + ".jar"));
            Path dir = pluginsDir.resolve(dirNames[i]);
            new ModuleJar(module)
                    .requires(next)
                    .compileAgainst(stub)
                    .source(module + ".Node", "package " + module + ";\npublic final class Node {}\n")
                    .writeTo(dir.resolve(dirNames[i] + ".jar"));
            dirs.add(dir);
        }
        deleteTree(work);
        return List.copyOf(dirs);
    }

    /** A directory with no jar in it (only a README). */
    public static Path withoutJars(Path pluginsDir, String dirName) {
        Path dir = pluginsDir.resolve(dirName);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("README.txt"), "no jars here\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * The source of a public {@code SinkFactory} whose sinks drop everything.
     *
     * @param className       fully qualified
     * @param constructorBody statements of its public no-argument constructor
     */
    public static String sinkFactorySource(String className, String sinkName, String constructorBody) {
        return sinkFactorySource(className, sinkName, constructorBody, "");
    }

    /**
     * The source of a public {@code SinkFactory} whose sinks drop everything, with more members.
     *
     * @param className       fully qualified
     * @param constructorBody statements of its public no-argument constructor
     * @param members         more members of the class, e.g. a static initializer
     */
    public static String sinkFactorySource(String className, String sinkName, String constructorBody,
                                           String members) {
        int dot = className.lastIndexOf('.');
        String pkg = className.substring(0, dot);
        String simple = className.substring(dot + 1);
        return """
                package %s;

                import io.blip.api.config.MonitorConfig;
                import io.blip.api.config.OptionSet;
                import io.blip.api.sink.Encoder;
                import io.blip.api.sink.Sink;
                import io.blip.api.sink.SinkContext;
                import io.blip.api.sink.SinkFactory;
                import java.util.List;

                public final class %s implements SinkFactory {
                    %s
                    public %s() {
                        %s
                    }

                    @Override public String name() { return "%s"; }
                    @Override public String description() { return "test sink %s"; }
                    @Override public OptionSet options() { return OptionSet.EMPTY; }
                    @Override public Sink<Object> make(SinkContext context) {
                        return new Sink<>() {
                            @Override public Encoder<Object> encoder(MonitorConfig monitor) {
                                return metrics -> null;
                            }

                            @Override public void send(List<Object> batch) {
                            }
                        };
                    }
                }
                """.formatted(pkg, simple, members, simple, constructorBody, sinkName, sinkName);
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The blip-api jar, located (and if needed built) once per JVM. */
    private static final class ApiJar {
        static final Path PATH = locate();

        private static Path locate() {
            String property = System.getProperty(API_JAR_PROPERTY);
            Path location = property != null && !property.isBlank() ? Path.of(property) : codeSource();
            if (Files.isRegularFile(location)) {
                return location;
            }
            if (Files.isRegularFile(location.resolve("module-info.class"))) {
                try {
                    Path jar = tempDir("blip-api-").resolve("blip-api.jar");
                    ModuleJar.writeJar(location, jar);
                    return jar;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot jar blip-api from " + location, e);
                }
            }
            throw new IllegalStateException("blip-api is neither a jar nor a classes directory: " + location
                    + "; set -D" + API_JAR_PROPERTY + "=<blip-api jar>");
        }

        private static Path codeSource() {
            CodeSource source = io.blip.api.MetricType.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                throw new IllegalStateException("the code source of blip-api is unknown; set -D" + API_JAR_PROPERTY
                        + "=<blip-api jar>");
            }
            try {
                return Path.of(source.getLocation().toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("bad blip-api location " + source.getLocation(), e);
            }
        }
    }
}
