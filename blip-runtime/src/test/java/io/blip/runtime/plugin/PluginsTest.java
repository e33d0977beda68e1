package io.blip.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.config.OptionSet;
import io.blip.api.sink.SinkFactory;
import io.blip.testkit.ModuleJar;
import io.blip.testkit.PluginDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin layers on a real module path: surefire runs these tests inside the named module
 * io.blip.runtime with blip-api in the boot layer, and each plugin directory here is built from
 * source at test time by the testkit.
 */
class PluginsTest {
    @TempDir
    static Path root;

    private static Path hello;
    private static Path quiet;

    @BeforeAll
    static void buildPluginDirs() {
        hello = PluginDirs.sinkPlugin(plugins("good"), "hello", "io.blip.test.hello", "hello");
        quiet = plugins("good").resolve("quiet");
        new ModuleJar("io.blip.test.quiet")
                .source("io.blip.test.quiet.Nothing", "package io.blip.test.quiet;\npublic final class Nothing {}\n")
                .writeTo(quiet.resolve("quiet.jar"));
        PluginDirs.withoutJars(plugins("good"), "empty");
    }

    private static Path plugins(String scenario) {
        return root.resolve(scenario).resolve("plugins");
    }

    @Test
    void surefireRunsThisOnTheModulePathWithBlipApiInTheBootLayer() {
        assertTrue(Plugins.class.getModule().isNamed(), "tests are patched into module io.blip.runtime");
        assertSame(ModuleLayer.boot(), MetricType.class.getModule().getLayer());
    }

    @Test
    void eachDirectoryIsALayerOfItsOwnUnderTheLayerOfBlipApi() {
        Plugins plugins = Plugins.load(plugins("good"));

        assertEquals(List.of(hello, quiet), plugins.layerDirs(), "a directory without jars is no layer");
        Provider<SinkFactory> sink = plugins.sinks().stream().filter(p -> p.name().equals("hello")).findFirst()
                .orElseThrow();
        assertEquals(new Provider<>("hello", "sink", sink.instance(), "io.blip.test.hello", hello.toString()), sink);
        ModuleLayer layer = sink.instance().getClass().getModule().getLayer();
        assertNotSame(ModuleLayer.boot(), layer);
        assertEquals(List.of(ModuleLayer.boot()), layer.parents());
        assertSame(sink.instance(), plugins.sink("hello", "sinks.hello"));
        assertTrue(plugins.collectors().stream().noneMatch(p -> p.name().equals("hello")));
        // ServiceLoader.load(layer, ...) also returns the boot layer's providers: each is listed once, as boot.
        assertEquals(Plugins.bootOnly().sinks().stream().map(Provider::name).toList(),
                plugins.sinks().stream().filter(p -> p.origin().equals("boot")).map(Provider::name).toList());
        assertEquals(plugins.sinks().size(), plugins.sinks().stream().map(Provider::name).distinct().count());
    }

    @Test
    void describeListsProvidersAndEveryLayerIncludingThoseThatProvideNothing() {
        String described = Plugins.load(plugins("good")).describe();

        // Columns are padded to the widest entry, and built-in providers may be listed too.
        List<String> lines = described.lines().map(l -> l.strip().replaceAll(" {2,}", " ")).toList();
        assertTrue(lines.contains("hello sink io.blip.test.hello " + hello + " test sink hello"), described);
        String layers = described.substring(described.indexOf("Plugin layers"));
        assertEquals("Plugin layers in " + plugins("good") + ":\n"
                + "  " + hello + ": io.blip.test.hello\n"
                + "  " + quiet + " (provides nothing): io.blip.test.quiet\n", layers);
    }

    /**
     * Blip's plugins that ship on demand (plugins/aws, plugins/otlp, known by their modules) become
     * layers when a config names what they ship or a lookup asks for it, not at every boot.
     */
    @Test
    void blipsPluginsThatShipOnDemandAreMadeWhenNamed() throws Exception {
        Path dir = plugins("on-demand");
        Path otlp = blipsOtlp(dir);
        Path other = PluginDirs.sinkPlugin(dir, "other", "io.blip.test.other", "other");

        Plugins plugins = Plugins.load(dir);
        assertEquals(List.of(other), plugins.layerDirs(), "at boot: every directory but Blip's on-demand ones");
        assertTrue(plugins.sinkNames().containsAll(List.of("otlp", "other")), "otlp is listed as available");
        assertTrue(plugins.sinks().stream().noneMatch(p -> p.name().equals("otlp")));
        plugins.prepare(Set.of("monitors", "sinks", "log", "other"));
        assertEquals(List.of(other), plugins.layerDirs(), "a config that names nothing it ships");
        plugins.prepare(Set.of("sinks", "otlp"));
        assertEquals(List.of(other, otlp), plugins.layerDirs());
        assertTrue(plugins.declarations(OptionSet.EMPTY).sinks().containsKey("otlp"));

        Plugins asked = Plugins.load(dir);
        assertEquals("otlp", asked.sink("otlp", "sinks.otlp").name(), "a lookup by name makes it");
        assertEquals(List.of(other, otlp), asked.layerDirs());
        assertTrue(Plugins.load(dir).describe().contains(otlp + ": io.blip.sink.otlp"), "--print-plugins lists all");
    }

    /** A stand-in for plugins/otlp: known as Blip's by its jar's name. */
    private static Path blipsOtlp(Path pluginsDir) throws java.io.IOException {
        Path dir = PluginDirs.sinkPlugin(pluginsDir, "otlp", "io.blip.sink.otlp", "otlp");
        Files.move(dir.resolve("io.blip.sink.otlp.jar"), dir.resolve("blip-sink-otlp-0.1.0.jar"));
        return dir;
    }

    /** A plugin that provides what one of Blip's on-demand plugins ships is a clash when that one is made. */
    @Test
    void aClashWithAnOnDemandPluginIsReportedWhenItIsMade() throws Exception {
        Path dir = plugins("on-demand-clash");
        Path otlp = blipsOtlp(dir);
        Path mine = PluginDirs.sinkPlugin(dir, "mine", "io.blip.test.mine", "otlp");

        Plugins plugins = Plugins.load(dir);
        PluginException e = assertThrows(PluginException.class, () -> plugins.sink("otlp", "sinks.otlp"));
        assertTrue(e.getMessage().contains("sink 'otlp' is provided twice"), e.getMessage());
        assertTrue(e.getMessage().contains(mine.toString()) && e.getMessage().contains(otlp.toString()), e.getMessage());
    }

    @Test
    void aMissingPluginsDirectoryMeansBuiltInProvidersOnly() {
        Plugins plugins = Plugins.load(plugins("absent"));

        assertEquals(List.of(), plugins.layerDirs());
        assertTrue(plugins.describe().endsWith("Plugin layers in " + plugins("absent") + ": none\n"),
                plugins.describe());
        assertTrue(Plugins.bootOnly().describe().endsWith("Plugin layers: none (boot layer only)\n"));
    }

    @Test
    void aDirectoryBundlingBlipApiIsRejected() {
        Path dir = PluginDirs.bundlingApi(plugins("bundled"), "bundler");

        assertProblems(plugins("bundled"),
                dir + ": blip-api.jar holds module io.blip.api, which the boot layer (lib/) already has. "
                        + "Remove blip-api.jar from " + dir + "/; the plugin's build must give that dependency "
                        + "<scope>provided</scope>.");
    }

    @Test
    void aMissingModuleNamesTheModuleThatRequiresIt() {
        Path dir = PluginDirs.missingRequire(plugins("missing"), "needy");

        assertProblems(plugins("missing"),
                dir + ": module io.blip.test.needy (needy.jar) requires module io.blip.test.absent, which is "
                        + "neither in " + dir + "/, nor in the boot layer (lib/), nor in another plugin directory. Add "
                        + "the jar of io.blip.test.absent to " + dir + "/, or, if it is another plugin's module, that "
                        + "plugin's directory to " + plugins("missing") + "/.");
    }

    @Test
    void aJdkModuleMissingFromTheBootLayerSaysHowToAddIt() {
        // java.se (the aggregator) is a JDK module that no boot layer has unless asked for.
        Path dir = plugins("jdk").resolve("everything");
        new ModuleJar("io.blip.test.everything").requires("java.se")
                .source("io.blip.test.everything.All", "package io.blip.test.everything;\npublic final class All {}\n")
                .writeTo(dir.resolve("everything.jar"));

        assertProblems(plugins("jdk"),
                dir + ": module io.blip.test.everything (everything.jar) requires JDK module java.se, which "
                        + "the boot layer did not load. Start Blip with JAVA_OPTS=\"--add-modules java.se\".");
    }

    @Test
    void aPackageSplitBetweenTwoJarsNamesBoth() {
        Path dir = PluginDirs.splitPackage(plugins("split"), "split");

        assertProblems(plugins("split"),
                dir + ": package io.blip.test.split is in more than one module: io.blip.test.split.one (one.jar) and "
                        + "io.blip.test.split.two (two.jar). A package may be in one module only: remove one of the "
                        + "jars, or move the package.");
    }

    @Test
    void aPackageOfBlipApiInAPluginIsASplitPackageWithTheBootLayer() {
        Path dir = PluginDirs.apiPackage(plugins("apipkg"), "apipkg");

        assertProblems(plugins("apipkg"),
                dir + ": module io.blip.test.apipkg (apipkg.jar) contains package io.blip.api.sink, which module "
                        + "io.blip.api (boot layer) also exports to it. A package may be in one module only: remove "
                        + "one of the jars, or move the package.");
    }

    @Test
    void everyProblemOfOneDirectoryIsReportedAtOnce() {
        Path dir = PluginDirs.splitPackage(plugins("mixed"), "mixed");
        PluginDirs.missingRequire(plugins("mixed"), "mixed");

        assertProblems(plugins("mixed"),
                dir + ": module io.blip.test.needy (needy.jar) requires module io.blip.test.absent, which is "
                        + "neither in " + dir + "/, nor in the boot layer (lib/), nor in another plugin directory. Add "
                        + "the jar of io.blip.test.absent to " + dir + "/, or, if it is another plugin's module, that "
                        + "plugin's directory to " + plugins("mixed") + "/.",
                dir + ": package io.blip.test.split is in more than one module: io.blip.test.split.one (one.jar) and "
                        + "io.blip.test.split.two (two.jar). A package may be in one module only: remove one of the "
                        + "jars, or move the package.");
    }

    @Test
    void whatTheChecksDoNotForeseeIsReportedInTheJdksWords() {
        // Two modules of one directory that require each other: javac refuses the cycle, so each is
        // compiled against a stub of the other.
        Path dir = plugins("loop").resolve("loop");
        Path stubs = root.resolve("loop-stubs");
        for (String[] pair : new String[][] {{"a", "b"}, {"b", "a"}}) {
            String module = "io.blip.test." + pair[0];
            String other = "io.blip.test." + pair[1];
            Path stub = new ModuleJar(other)
                    .source(other + ".Stub", "package " + other + ";\npublic final class Stub {}\n")
                    .writeTo(stubs.resolve(pair[0] + "/" + pair[1] + ".jar"));
            new ModuleJar(module).requires(other).compileAgainst(stub)
                    .source(module + ".Node", "package " + module + ";\npublic final class Node {}\n")
                    .writeTo(dir.resolve(pair[0] + ".jar"));
        }

        PluginException e = assertThrows(PluginException.class, () -> Plugins.load(plugins("loop")));

        assertEquals(1, e.problems().size(), e.getMessage());
        String problem = e.problems().get(0);
        assertTrue(problem.startsWith(dir + ": the modules do not resolve: "), problem);
        assertTrue(problem.endsWith(". Check the plugin's module-info against the jars in " + dir + "/, the plugin "
                + "directories it builds on and the boot layer (lib/)."), problem);
    }

    @Test
    void twoJarsHoldingOneModuleAreNamedWithTheirVersions() {
        Path dir = plugins("twice").resolve("twice");
        for (String version : List.of("1.0", "2.0")) {
            new ModuleJar("io.blip.test.lib").version(version)
                    .source("io.blip.test.lib.Lib", "package io.blip.test.lib;\npublic final class Lib {}\n")
                    .writeTo(dir.resolve("lib-" + version + ".jar"));
        }

        assertProblems(plugins("twice"), dir + ": lib-1.0.jar and lib-2.0.jar both hold module io.blip.test.lib "
                + "(versions 1.0 and 2.0). Keep one of them.");
    }

    @Test
    void aProviderClassThatItsJarLacksIsNamedWithTheJar() {
        Path dir = PluginDirs.providerWithoutClass(plugins("ghost"), "ghost");

        assertProblems(plugins("ghost"),
                dir + ": module io.blip.test.ghost (ghost.jar) provides io.blip.api.sink.SinkFactory with "
                        + "io.blip.test.ghost.Sinks, but ghost.jar holds no class io.blip.test.ghost.Sinks. ghost.jar "
                        + "is incomplete: replace it with a complete build, or take io.blip.test.ghost.Sinks out of "
                        + "the module's provides.");
    }

    @Test
    void aServiceFileNamingAClassInAPackageItsJarLacksIsNamedWithTheJar() {
        // The JDK refuses to read such a jar as an automatic module: the check reads the jar itself.
        Path dir = PluginDirs.serviceFileWithoutClass(plugins("nowhere"), "nowhere");

        assertProblems(plugins("nowhere"),
                dir + ": nowhere.jar names io.blip.test.nowhere.Sinks in META-INF/services/"
                        + "io.blip.api.sink.SinkFactory, but nowhere.jar holds no class io.blip.test.nowhere.Sinks "
                        + "(nor any class in package io.blip.test.nowhere). nowhere.jar is incomplete: replace it "
                        + "with a complete build, or take that line out of META-INF/services/"
                        + "io.blip.api.sink.SinkFactory.");
    }

    @Test
    void aProviderWhoseSuperclassIsMissingAtRunTimeSaysWhatToAdd() {
        Path dir = needingAbsentClass("orphan", source -> source.replace("implements SinkFactory",
                "extends " + PluginDirs.ABSENT_CLASS + " implements SinkFactory"));

        assertProblems(plugins("orphan"), dir + ": module io.blip.test.orphan (io.blip.test.orphan.jar) could not "
                + "load sink provider io.blip.test.orphan.Sinks: " + absentClass(dir));
    }

    @Test
    void aProviderWhoseNameNeedsAMissingClassIsAProblemNotACrash() {
        Path dir = needingAbsentClass("nameless", source -> source.replace("return \"nameless\";",
                "return new " + PluginDirs.ABSENT_CLASS + "().toString();"));

        assertProblems(plugins("nameless"), dir + ": sink provider io.blip.test.nameless.Sinks in module "
                + "io.blip.test.nameless (io.blip.test.nameless.jar) failed to tell its name: " + absentClass(dir));
    }

    /**
     * Scenario {@code name}: directory {@code name}, module {@code io.blip.test.<name>}, sink
     * {@code name} provided by {@code io.blip.test.<name>.Sinks}, whose source is changed to need
     * {@link PluginDirs#ABSENT_CLASS}.
     */
    private static Path needingAbsentClass(String name, UnaryOperator<String> change) {
        String module = "io.blip.test." + name;
        String className = module + ".Sinks";
        return PluginDirs.providerNeedingAbsentClass(plugins(name), name, module, className,
                change.apply(PluginDirs.sinkFactorySource(className, name, "")));
    }

    /** The end of the message for a provider that needs {@link PluginDirs#ABSENT_CLASS}. */
    private static String absentClass(Path dir) {
        return "java.lang.NoClassDefFoundError: io/blip/test/gone/Gone. A class it needs is in no jar of " + dir
                + "/ and in no module it reads: add the jar that holds it to " + dir + "/, and require its module in "
                + "the plugin's module-info.";
    }

    @Test
    void aProviderWhoseStaticInitializerThrowsSaysSo() {
        Path dir = PluginDirs.failingInitializer(plugins("init"), "init");

        assertProblems(plugins("init"),
                dir + ": module io.blip.test.init (init.jar) could not create sink provider io.blip.test.init.Sinks: "
                        + "java.lang.ExceptionInInitializerError: java.lang.IllegalStateException: init on purpose. "
                        + "Its static initialization failed: a provider class must load without failing and without "
                        + "I/O. Use a fixed build of the plugin, or remove " + dir + "/.");
    }

    @Test
    void aProviderCompiledForANewerJavaNamesThatJava() {
        int feature = Runtime.version().feature();
        int major = feature + 1 + 44;
        Path dir = PluginDirs.newerClassFile(plugins("future"), "future", "io.blip.test.future", "future", major);

        assertProblems(plugins("future"),
                dir + ": module io.blip.test.future (io.blip.test.future.jar) could not load sink provider "
                        + "io.blip.test.future.Sinks: it is compiled for Java " + (feature + 1) + " (class file "
                        + "version " + major + "), newer than this Java " + feature + ". Run Blip on Java "
                        + (feature + 1) + " or newer, or use a build of it made for Java " + feature + ".");
    }

    @Test
    void aProviderWhoseConstructorThrowsNamesTheClassAndTheCause() {
        Path dir = PluginDirs.throwingProvider(plugins("boom"), "boom");

        assertProblems(plugins("boom"),
                dir + ": module io.blip.test.boom (boom.jar) could not create sink provider io.blip.test.boom.Sinks: "
                        + "java.lang.IllegalStateException: boom on purpose. A provider needs a public no-argument "
                        + "constructor (or a public static provider() method) that does no I/O.");
    }

    @Test
    void twoDirectoriesProvidingOneSinkNameNameBothModulesAndDirectories() {
        Path one = PluginDirs.sinkPlugin(plugins("dup"), "hello-a", "io.blip.test.hello.a", "hello");
        Path two = PluginDirs.sinkPlugin(plugins("dup"), "hello-b", "io.blip.test.hello.b", "hello");

        assertProblems(plugins("dup"),
                "sink 'hello' is provided twice: by module io.blip.test.hello.a (" + one + ") and by module "
                        + "io.blip.test.hello.b (" + two + "). Remove one of them, or rename one provider.");
    }

    @Test
    void metricTranslatorsAreFoundByNameAndTwoOfOneNameNameBoth() throws Exception {
        PluginDirs.translatorPlugin(plugins("names"), "short", "io.blip.test.names", "short",
                Map.of("status.global", "mysql"));
        Plugins found = Plugins.load(plugins("names"));
        assertEquals("mysql.threads_running", found.translators().get("short").translate("status.global",
                "threads_running"));
        assertTrue(found.describe().lines().anyMatch(l -> l.matches(
                " +short +metric-translator +io\\.blip\\.test\\.names .*renames domains for a test")),
                found.describe());

        Path one = PluginDirs.translatorPlugin(plugins("dupnames"), "a", "io.blip.test.names.a", "short", Map.of());
        Path two = PluginDirs.translatorPlugin(plugins("dupnames"), "b", "io.blip.test.names.b", "short", Map.of());
        assertProblems(plugins("dupnames"),
                "metric translator 'short' is provided twice: by module io.blip.test.names.a (" + one + ") and by"
                        + " module io.blip.test.names.b (" + two + "). Remove one of them, or rename one provider.");
    }

    @Test
    void aPluginProvidingTheNameOfABuiltInSinkNamesTheBootModuleAndTheDirectory() {
        Path dir = PluginDirs.sinkPlugin(plugins("dupboot"), "my-log", "io.blip.test.log", "log");

        assertProblems(plugins("dupboot"),
                "sink 'log' is provided twice: by module io.blip.sinks (boot) and by module io.blip.test.log ("
                        + dir + "). Remove one of them, or rename one provider.");
    }

    @Test
    void everyProblemOfEveryDirectoryIsReportedAtOnce() {
        Path bundler = PluginDirs.bundlingApi(plugins("many"), "a-bundler");
        Path boom = PluginDirs.throwingProvider(plugins("many"), "b-boom");
        PluginDirs.sinkPlugin(plugins("many"), "c-fine", "io.blip.test.fine", "fine");

        PluginException e = assertThrows(PluginException.class, () -> Plugins.load(plugins("many")));

        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith(bundler + ": blip-api.jar holds module io.blip.api"));
        assertTrue(e.problems().get(1).startsWith(boom + ": module io.blip.test.boom (boom.jar) could not create"));
        assertEquals("2 plugin problems:\n  - " + e.problems().get(0) + "\n  - " + e.problems().get(1),
                e.getMessage());
    }

    @Test
    void aFirstPartyNameThatIsMissingSaysWhichDirectoryShipsIt() {
        Plugins plugins = Plugins.load(plugins("good"));
        String sinks = available(plugins.sinks().stream().map(Provider::name));

        assertEquals("sinks.otlp: no sink named 'otlp'. Available: " + sinks
                        + ". It ships in plugins/otlp/; is that directory present?",
                message(() -> plugins.sink("otlp", "sinks.otlp")));
        assertEquals("monitors[0].plans.performance: no collector for domain 'aws.rds'. Available: "
                        + available(plugins.collectors().stream().map(Provider::name))
                        + ". It ships in plugins/aws/; is that directory present?",
                message(() -> plugins.collector("aws.rds", "monitors[0].plans.performance")));
        assertEquals("mysql.credential-source: no credential source named 'aws-iam'. Available: "
                        + available(plugins.credentialSources().stream().map(Provider::name))
                        + ". It ships in plugins/aws/; is that directory present?",
                message(() -> plugins.credentialSource("aws-iam", "mysql.credential-source")));
        assertEquals("monitor-loader.aws: no monitor loader named 'aws'. Available: "
                        + available(Stream.of())
                        + ". It ships in plugins/aws/; is that directory present?",
                message(() -> plugins.monitorLoader("aws", "monitor-loader.aws")));
        assertTrue(sinks.contains("hello"), sinks);
    }

    @Test
    void anUnknownNameListsWhatExistsAndWherePluginsGo() {
        Plugins plugins = Plugins.load(plugins("good"));

        assertEquals("sinks.statsd: no sink named 'statsd'. Available: "
                        + available(plugins.sinks().stream().map(Provider::name))
                        + ". Plugins are directories of jars under plugins/; add the one that provides it.",
                message(() -> plugins.sink("statsd", "sinks.statsd")));
    }

    @Test
    void aFirstPartyDirectoryThatIsLoadedButLacksTheNameSaysSo() {
        PluginDirs.sinkPlugin(plugins("stale"), "otlp", "io.blip.test.old.otlp", "otlp-old");
        Plugins plugins = Plugins.load(plugins("stale"));

        assertEquals("sinks.otlp: no sink named 'otlp'. Available: "
                        + available(plugins.sinks().stream().map(Provider::name))
                        + ". It ships in plugins/otlp/, which is loaded but does not provide it; "
                        + "are its jars from this Blip version?",
                message(() -> plugins.sink("otlp", "sinks.otlp")));
    }

    @Test
    void aFileWherePluginsShouldBeIsAnError() throws Exception {
        Path file = Files.createDirectories(root.resolve("file")).resolve("plugins");
        Files.writeString(file, "not a directory");

        assertProblems(file, file + ": not a directory. The plugins directory holds one directory of jars per "
                + "plugin, e.g. plugins/otlp/.");
    }

    @Test
    void thePluginsDirectoryComesFromTheEnvironmentThenBlipHomeThenTheLibDirectory() {
        Path jar = Path.of("/opt/blip-1.0/lib/blip-runtime-1.0.jar");

        assertEquals(Path.of("/etc/blip/plugins"), Plugins.defaultPluginsDir("/etc/blip/plugins", "/opt/x", Optional.of(jar)));
        assertEquals(Path.of("/opt/x/plugins"), Plugins.defaultPluginsDir("", "/opt/x", Optional.of(jar)));
        assertEquals(Path.of("/opt/blip-1.0/plugins"), Plugins.defaultPluginsDir(null, null, Optional.of(jar)));
        assertEquals(Path.of("plugins"),
                Plugins.defaultPluginsDir(null, null, Optional.of(Path.of("/build/target/blip-runtime.jar"))));
        assertEquals(Path.of("plugins"), Plugins.defaultPluginsDir(null, null, Optional.empty()));
    }

    private static void assertProblems(Path pluginsDir, String... expected) {
        PluginException e = assertThrows(PluginException.class, () -> Plugins.load(pluginsDir));
        assertEquals(Arrays.asList(expected), e.problems());
    }

    private static String message(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(BlipException.class, call).getMessage();
    }

    private static String available(Stream<String> names) {
        return names.sorted().toList().toString();
    }
}
