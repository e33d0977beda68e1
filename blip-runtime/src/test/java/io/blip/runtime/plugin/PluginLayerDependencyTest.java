package io.blip.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.sink.SinkFactory;
import io.blip.testkit.ModuleJar;
import io.blip.testkit.PluginDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin directories that build on other plugin directories, as a plugin providing the AWS
 * plugin's {@code AwsCredentialsFactory} builds on {@code plugins/aws/}. The directories are
 * built from source at test time and loaded on the real module path.
 */
class PluginLayerDependencyTest {
    private static final String BASE = "io.blip.test.base";
    private static final String OTHER = "io.blip.test.other";
    private static final String LIB = "io.blip.test.lib";
    private static final String SINK_FACTORY = SinkFactory.class.getName();

    @TempDir
    static Path root;

    private static Path base;
    private static Path other;
    private static Path greeter;
    private static Path both;
    private static Path hello;

    /**
     * {@code base} and {@code other} define an SPI each; {@code a-greeter} (listed first) builds on
     * {@code base}; {@code both} builds on the two; {@code z-hello} stands alone.
     */
    @BeforeAll
    static void buildFamily() {
        Path plugins = plugins("family");
        base = PluginDirs.spiPlugin(plugins, "base", BASE, "base");
        other = PluginDirs.spiPlugin(plugins, "other", OTHER, "other");
        greeter = PluginDirs.greeterPlugin(plugins, "a-greeter", "io.blip.test.greeter", BASE, base);
        both = plugins.resolve("both");
        new ModuleJar("io.blip.test.both")
                .requires(BASE)
                .requires(OTHER)
                .compileAgainst(base, other)
                .source("io.blip.test.both.Both", """
                        package io.blip.test.both;

                        public final class Both implements %s, %s {
                            @Override public String greeting() { return "hello from both"; }
                            @Override public String toString() { return greeting(); }
                        }
                        """.formatted(PluginDirs.greeterSpi(BASE), PluginDirs.greeterSpi(OTHER)))
                .provides(PluginDirs.greeterSpi(BASE), "io.blip.test.both.Both")
                .provides(PluginDirs.greeterSpi(OTHER), "io.blip.test.both.Both")
                .writeTo(both.resolve("both.jar"));
        hello = PluginDirs.sinkPlugin(plugins, "z-hello", "io.blip.test.hello", "hello");
    }

    private static Path plugins(String scenario) {
        return root.resolve(scenario).resolve("plugins");
    }

    @Test
    void aDirectoryIsLoadedAfterTheDirectoriesItBuildsOnWithTheirLayersAsParents() {
        Plugins plugins = Plugins.load(plugins("family"));

        assertEquals(List.of(base, greeter, other, both, hello), plugins.layerDirs());
        assertEquals(List.of(ModuleLayer.boot()), layer(plugins, base).parents());
        assertEquals(List.of(layer(plugins, base)), layer(plugins, greeter).parents());
        assertEquals(List.of(layer(plugins, base), layer(plugins, other)), layer(plugins, both).parents());
        assertEquals(List.of(ModuleLayer.boot()), layer(plugins, hello).parents());
    }

    @Test
    void aProviderOfAPluginDefinedSpiIsFoundInTheLayersBuildingOnIt() throws Exception {
        Plugins plugins = Plugins.load(plugins("family"));
        Class<?> spi = spi(plugins, base, BASE);

        List<?> greeters = plugins.services().load(spi);

        assertEquals(List.of("hello from io.blip.test.greeter", "hello from both"),
                greeters.stream().map(String::valueOf).toList());
        assertTrue(greeters.stream().allMatch(spi::isInstance));
        assertSame(layer(plugins, greeter), greeters.get(0).getClass().getModule().getLayer());
        assertEquals(List.of("hello from both"),
                plugins.services().load(spi(plugins, other, OTHER)).stream().map(String::valueOf).toList());
    }

    @Test
    void serviceLoaderOverAChildLayerFindsItsProviderOfAnSpiInTheParentLayer() throws Exception {
        Plugins plugins = Plugins.load(plugins("family"));
        Class<?> spi = spi(plugins, base, BASE);
        Plugins.class.getModule().addUses(spi);

        assertEquals(List.of("io.blip.test.greeter.Hello"), ServiceLoader.load(layer(plugins, greeter), spi).stream()
                .map(p -> p.type().getName()).toList());
        // A layer sees its parents' providers, never its children's: hence services() asks every layer.
        assertEquals(List.of(), ServiceLoader.load(layer(plugins, base), spi).stream().toList());
    }

    @Test
    void eachLayerListsOnlyItsOwnBlipProviders() {
        Plugins plugins = Plugins.load(plugins("family"));

        List<String> pluginSinks = plugins.sinks().stream().filter(p -> !p.origin().equals(Provider.BOOT))
                .map(p -> p.name() + " " + p.module() + " " + p.origin()).toList();
        assertEquals(List.of("base " + BASE + " " + base, "hello io.blip.test.hello " + hello,
                "other " + OTHER + " " + other), pluginSinks);
    }

    @Test
    void describeNamesTheParentsOfEachLayerAndWhatItProvidesBesidesBlipSpis() {
        String described = Plugins.load(plugins("family")).describe();

        String layers = described.substring(described.indexOf("Plugin layers"));
        assertEquals("Plugin layers in " + plugins("family") + ":\n"
                + "  " + base + ": " + BASE + "\n"
                + "  " + greeter + " (parents: " + base + "; provides " + BASE + ".spi.Greeter): io.blip.test.greeter\n"
                + "  " + other + ": " + OTHER + "\n"
                + "  " + both + " (parents: " + base + ", " + other + "; provides " + BASE + ".spi.Greeter, "
                + OTHER + ".spi.Greeter): io.blip.test.both\n"
                + "  " + hello + ": io.blip.test.hello\n", layers);
    }

    @Test
    void directoriesRequiringEachOtherInACycleAreNamedInOrder() {
        Path plugins = plugins("cycle");
        List<Path> dirs = PluginDirs.cycle(plugins, "one", "two", "three");
        Path one = dirs.get(0);
        Path two = dirs.get(1);
        Path three = dirs.get(2);

        assertProblems(plugins, "plugin directories require each other's modules in a cycle: " + one + " -> " + two
                + " -> " + three + " -> " + one + " (module io.blip.test.one (one.jar) requires io.blip.test.two; "
                + "module io.blip.test.two (two.jar) requires io.blip.test.three; module io.blip.test.three "
                + "(three.jar) requires io.blip.test.one). A plugin layer can only build on layers made before it: "
                + "put the modules of these directories into one directory, or drop one of those requires.");
    }

    @Test
    void aModuleThatTwoDirectoriesHoldIsAmbiguousAndBothAreNamed() {
        Path plugins = plugins("ambiguous");
        Path baseA = PluginDirs.spiPlugin(plugins, "base-a", BASE, "base-a");
        Path baseB = PluginDirs.spiPlugin(plugins, "base-b", BASE, "base-b");
        Path dir = PluginDirs.greeterPlugin(plugins, "greeter", "io.blip.test.greeter", BASE, baseA);

        assertProblems(plugins, dir + ": module io.blip.test.greeter (io.blip.test.greeter.jar) requires module "
                + BASE + ", which more than one plugin directory holds: " + baseA + "/ (" + BASE + ".jar) and "
                + baseB + "/ (" + BASE + ".jar). A plugin can build on one of them only: keep " + BASE
                + " in one directory.");
    }

    @Test
    void aDirectoryWithoutThePluginItBuildsOnNamesTheMissingModule() {
        Path elsewhere = PluginDirs.spiPlugin(root.resolve("alone"), "base", BASE, "base");
        Path plugins = plugins("alone");
        Path dir = PluginDirs.greeterPlugin(plugins, "greeter", "io.blip.test.greeter", BASE, elsewhere);

        assertProblems(plugins, dir + ": module io.blip.test.greeter (io.blip.test.greeter.jar) requires module "
                + BASE + ", which is neither in " + dir + "/, nor in the boot layer (lib/), nor in another plugin "
                + "directory. Add the jar of " + BASE + " to " + dir + "/, or, if it is another plugin's module, that "
                + "plugin's directory to " + plugins + "/.");
    }

    @Test
    void aDirectoryWithoutTheAwsPluginItBuildsOnSaysWhereThatShips() {
        Path fakeAws = PluginDirs.spiPlugin(root.resolve("noaws"), "aws", "io.blip.plugin.aws", "fake-aws");
        Path plugins = plugins("noaws");
        Path dir = PluginDirs.greeterPlugin(plugins, "mycreds", "io.blip.test.mycreds", "io.blip.plugin.aws", fakeAws);

        assertProblems(plugins, dir + ": module io.blip.test.mycreds (io.blip.test.mycreds.jar) requires module "
                + "io.blip.plugin.aws, which is neither in " + dir + "/, nor in the boot layer (lib/), nor in another "
                + "plugin directory. It ships in plugins/aws/; is that directory present? A plugin that builds on it "
                + "keeps only its own jars in " + dir + "/.");
    }

    @Test
    void aDirectoryBuildingOnOneThatCannotBeLoadedSaysWhich() {
        Path plugins = plugins("broken-base");
        Path brokenBase = PluginDirs.spiPlugin(plugins, "base", BASE, "base");
        Path dir = PluginDirs.greeterPlugin(plugins, "greeter", "io.blip.test.greeter", BASE, brokenBase);
        copy(PluginDirs.apiJar(), brokenBase.resolve("blip-api.jar"));

        assertProblems(plugins,
                brokenBase + ": blip-api.jar holds module io.blip.api, which the boot layer (lib/) already has. "
                        + "Remove blip-api.jar from " + brokenBase + "/; the plugin's build must give that dependency "
                        + "<scope>provided</scope>.",
                dir + ": not loaded, because it builds on " + brokenBase + " (module io.blip.test.greeter requires "
                        + BASE + "), which could not be loaded. Fix " + brokenBase + "/ first.");
    }

    @Test
    void aChildProvidingTheNameOfItsParentsProviderNamesBothLayers() {
        Path plugins = plugins("dup");
        Path parent = PluginDirs.spiPlugin(plugins, "base", BASE, "base");
        Path child = plugins.resolve("copycat");
        new ModuleJar("io.blip.test.copycat")
                .requires(BASE)
                .compileAgainst(parent)
                .source("io.blip.test.copycat.Sinks",
                        PluginDirs.sinkFactorySource("io.blip.test.copycat.Sinks", "base", ""))
                .provides(SINK_FACTORY, "io.blip.test.copycat.Sinks")
                .writeTo(child.resolve("copycat.jar"));

        assertProblems(plugins, "sink 'base' is provided twice: by module " + BASE + " (" + parent + ") and by module "
                + "io.blip.test.copycat (" + child + "). Remove one of them, or rename one provider.");
    }

    @Test
    void aPackageOfTheParentPluginInTheChildIsASplitPackageNamingTheParentsJar() {
        Path plugins = plugins("split");
        Path parent = PluginDirs.spiPlugin(plugins, "base", BASE, "base");
        Path child = plugins.resolve("splitter");
        new ModuleJar("io.blip.test.splitter")
                .requires(BASE)
                .compileAgainst(parent)
                .source("io.blip.test.splitter.Own", "package io.blip.test.splitter;\npublic final class Own {}\n")
                .looseSource(BASE + ".spi.Impostor", "package " + BASE + ".spi;\npublic final class Impostor {}\n")
                .writeTo(child.resolve("splitter.jar"));

        assertProblems(plugins, child + ": module io.blip.test.splitter (splitter.jar) contains package " + BASE
                + ".spi, which module " + BASE + " (" + parent + "/" + BASE + ".jar) also exports to it. A package may "
                + "be in one module only: remove one of the jars, or move the package.");
    }

    @Test
    void aChildShippingACopyOfAModuleOfItsParentIsToldToRemoveIt() {
        Path plugins = plugins("copy");
        Path parent = plugins.resolve("base");
        Path lib = new ModuleJar("io.blip.test.lib")
                .source("io.blip.test.lib.Lib", "package io.blip.test.lib;\npublic final class Lib {}\n")
                .exports("io.blip.test.lib")
                .writeTo(parent.resolve("lib.jar"));
        new ModuleJar(BASE)
                .requiresTransitive("io.blip.test.lib")
                .compileAgainst(lib)
                .source(BASE + ".Base", "package " + BASE + ";\npublic final class Base {}\n")
                .writeTo(parent.resolve("base.jar"));
        Path child = plugins.resolve("child");
        new ModuleJar("io.blip.test.child")
                .requires(BASE)
                .requires("io.blip.test.lib")
                .compileAgainst(parent)
                .source("io.blip.test.child.Child",
                        "package io.blip.test.child;\npublic final class Child { io.blip.test.lib.Lib lib; }\n")
                .writeTo(child.resolve("child.jar"));
        copy(lib, child.resolve("lib.jar"));

        assertProblems(plugins, child + ": module io.blip.test.child (child.jar) reads two modules named "
                + "io.blip.test.lib: its own copy (lib.jar) and the one in " + parent + "/ (lib.jar), which it builds "
                + "on. Remove lib.jar from " + child + "/: a plugin that builds on another keeps only its own jars.");
    }

    @Test
    void aChildShippingACopyOfAModuleOfItsParentThatNothingReadsTwiceIsToldToRemoveItToo() {
        Path plugins = plugins("unread-copy");
        Path parent = baseWithLibrary(plugins.resolve("base"));
        Path child = PluginDirs.greeterPlugin(plugins, "child", "io.blip.test.child", BASE, parent);
        copy(parent.resolve("lib.jar"), child.resolve("lib.jar"));

        assertProblems(plugins, child + ": lib.jar holds a copy of module io.blip.test.lib, which the plugin already "
                + "gets from " + parent + "/ (lib.jar), a directory it builds on. Remove lib.jar from " + child
                + "/: a plugin that builds on another keeps only its own jars.");
    }

    @Test
    void siblingDirectoriesMayEachHoldTheirOwnCopyOfALibrary() {
        Path plugins = plugins("siblings");
        Path one = libraryUser(plugins, "one");
        Path two = libraryUser(plugins, "two");

        Plugins loaded = Plugins.load(plugins);

        assertEquals(List.of(one, two), loaded.layerDirs());
        Module libOfOne = layer(loaded, one).findModule(LIB).orElseThrow();
        Module libOfTwo = layer(loaded, two).findModule(LIB).orElseThrow();
        assertSame(layer(loaded, one), libOfOne.getLayer());
        assertSame(layer(loaded, two), libOfTwo.getLayer());
    }

    @Test
    void aPluginReadingTheCopiesOfTwoDirectoriesItBuildsOnNamesBoth() {
        Path plugins = plugins("two-copies");
        Path one = libraryUser(plugins, "one");
        Path two = libraryUser(plugins, "two");
        Path top = plugins.resolve("top");
        new ModuleJar("io.blip.test.top")
                .requires("io.blip.test.one")
                .requires("io.blip.test.two")
                .compileAgainst(one, two)
                .source("io.blip.test.top.Top", "package io.blip.test.top;\npublic final class Top {}\n")
                .writeTo(top.resolve("top.jar"));

        assertProblems(plugins, top + ": module io.blip.test.top (top.jar) reads two modules named " + LIB + ", from "
                + one + "/ and " + two + "/, which it builds on. Keep " + LIB + " in one of those directories only.");
    }

    @Test
    void twoModulesExportingOnePackageToAModuleReadingBothAreNamed() {
        Path plugins = plugins("both-export");
        Path parent = PluginDirs.spiPlugin(plugins, "base", BASE, "base");
        Path child = plugins.resolve("child");
        // Module y exports the parent's package; x, compiled against a y without it, reads both.
        String yOwn = "package io.blip.test.y;\npublic final class Y {}\n";
        Path yStub = new ModuleJar("io.blip.test.y").source("io.blip.test.y.Y", yOwn).exports("io.blip.test.y")
                .writeTo(root.resolve("both-export-stub/y.jar"));
        new ModuleJar("io.blip.test.y").source("io.blip.test.y.Y", yOwn).exports("io.blip.test.y")
                .source(BASE + ".spi.Other", "package " + BASE + ".spi;\npublic final class Other {}\n")
                .exports(BASE + ".spi")
                .writeTo(child.resolve("y.jar"));
        new ModuleJar("io.blip.test.x")
                .requires(BASE)
                .requires("io.blip.test.y")
                .compileAgainst(parent, yStub)
                .source("io.blip.test.x.X", "package io.blip.test.x;\npublic final class X {}\n")
                .writeTo(child.resolve("x.jar"));

        assertProblems(plugins, child + ": modules " + BASE + " (" + parent + "/" + BASE + ".jar) and io.blip.test.y "
                + "(y.jar) both export package " + BASE + ".spi to module io.blip.test.x (x.jar). A package may be in "
                + "one module only: remove one of the jars, or move the package.");
    }

    /**
     * {@code lib.jar} (module {@value #LIB}) and {@code base.jar} (module {@value #BASE}, which
     * requires it transitively and exports the package of its {@code Greeter}).
     */
    private static Path baseWithLibrary(Path dir) {
        Path lib = library(dir);
        new ModuleJar(BASE)
                .requiresTransitive(LIB)
                .compileAgainst(lib)
                .source(BASE + ".spi.Greeter", "package " + BASE + ".spi;\npublic interface Greeter {\n"
                        + "    String greeting();\n}\n")
                .exports(BASE + ".spi")
                .writeTo(dir.resolve("base.jar"));
        return dir;
    }

    /**
     * A directory holding its own {@code lib.jar} (module {@value #LIB}) and {@code <name>.jar}
     * (module {@code io.blip.test.<name>}, which requires it transitively).
     */
    private static Path libraryUser(Path plugins, String name) {
        Path dir = plugins.resolve(name);
        Path lib = library(dir);
        String module = "io.blip.test." + name;
        new ModuleJar(module)
                .requiresTransitive(LIB)
                .compileAgainst(lib)
                .source(module + ".User", "package " + module + ";\npublic final class User { "
                        + LIB + ".Lib lib; }\n")
                .exports(module)
                .writeTo(dir.resolve(name + ".jar"));
        return dir;
    }

    private static Path library(Path dir) {
        return new ModuleJar(LIB)
                .source(LIB + ".Lib", "package " + LIB + ";\npublic final class Lib {}\n")
                .exports(LIB)
                .writeTo(dir.resolve("lib.jar"));
    }

    private static ModuleLayer layer(Plugins plugins, Path dir) {
        return plugins.layers().stream().filter(l -> l.dir().equals(dir)).findFirst().orElseThrow().layer();
    }

    /** The SPI class as the plugin that defines it loaded it. */
    private static Class<?> spi(Plugins plugins, Path dir, String module) throws ClassNotFoundException {
        return layer(plugins, dir).findLoader(module).loadClass(PluginDirs.greeterSpi(module));
    }

    private static void assertProblems(Path pluginsDir, String... expected) {
        PluginException e = assertThrows(PluginException.class, () -> Plugins.load(pluginsDir));
        assertEquals(Arrays.asList(expected), e.problems());
    }

    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
