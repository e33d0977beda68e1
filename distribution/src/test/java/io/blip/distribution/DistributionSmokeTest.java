package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots the assembled distribution as a user would: bin/blip as a real process, on the module
 * path, with the plugin directories it ships.
 */
class DistributionSmokeTest {
    @TempDir
    Path work;

    @Test
    void theLayoutHasTheBootLayerInLibAndEachPluginInItsOwnDirectory() throws IOException {
        assertTrue(Files.getPosixFilePermissions(Dist.HOME.resolve("bin/blip")).contains(PosixFilePermission.OWNER_EXECUTE));
        List<String> lib = names(Dist.jars(Dist.HOME.resolve("lib")));
        for (String jar : List.of("blip-api-", "blip-runtime-", "config-", "snakeyaml-engine-",
                "slf4j-api-", "logback-classic-", "logback-core-", "jul-to-slf4j-", "mysql-connector-j-")) {
            assertTrue(lib.stream().anyMatch(n -> n.startsWith(jar)), jar + "*.jar in lib/: " + lib);
        }
        assertTrue(lib.stream().noneMatch(n -> n.startsWith("protobuf-java")), "no protobuf in lib/: " + lib);
        for (String dir : Dist.PLUGIN_DIRS) {
            List<String> jars = names(Dist.jars(Dist.HOME.resolve("plugins").resolve(dir)));
            assertTrue(jars.stream().anyMatch(n -> n.startsWith("blip-")), "a plugin jar in plugins/" + dir + ": " + jars);
            assertTrue(jars.stream().noneMatch(n -> n.startsWith("blip-api") || n.startsWith("blip-runtime")
                    || n.startsWith("slf4j")), "plugins/" + dir + " holds no jar of the boot layer: " + jars);
        }
    }

    @Test
    void bothTarballsHoldTheTreeUnderBlipVersionAndOnlyOneHasRuntime() throws Exception {
        String base = "blip-" + Dist.VERSION + "/";
        for (Path tarball : List.of(Dist.TARBALL, Dist.TARBALL_WITH_RUNTIME)) {
            Dist.Result tar = Dist.run(List.of("tar", "-tvzf", tarball.toString()), work, Map.of());
            assertEquals(0, tar.exit(), tar.stderr());
            assertTrue(tar.stdout().lines().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith(" " + base + "bin/blip")),
                    tar.stdout());
            for (String path : List.of("conf/blip.conf", "plugins/aws/", "plugins/otlp/", "plugins/tls-rds/", "lib/",
                    "LICENSE", "NOTICE", "lib/THIRD-PARTY.txt", "plugins/aws/THIRD-PARTY.txt")) {
                assertTrue(tar.stdout().contains(" " + base + path), base + path + " in " + tarball + ":\n" + tar.stdout());
            }
            boolean withRuntime = tarball.equals(Dist.TARBALL_WITH_RUNTIME);
            assertEquals(withRuntime, tar.stdout().lines().anyMatch(l -> l.startsWith("-rwxr-xr-x")
                    && l.endsWith(" " + base + "runtime/bin/java")), tarball + ": runtime/bin/java\n" + tar.stdout());
            assertEquals(withRuntime, tar.stdout().contains(" " + base + "runtime/"), tarball + ": runtime/");
        }
    }

    @Test
    void theExampleConfigIsValidHocon() {
        Config config = ConfigFactory.parseFile(Dist.HOME.resolve("conf/blip.conf").toFile(),
                ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        assertEquals("127.0.0.1:7522", config.getString("api.bind"));
        assertEquals(List.of(), config.getList("monitors").unwrapped());
    }

    @Test
    void versionPrintsBlipAndTheVersion() throws Exception {
        Dist.Result result = blip(Dist.HOME.resolve("bin/blip"), work, "--version");

        assertEquals(0, result.exit(), result.toString());
        assertEquals("blip " + Dist.VERSION, result.stdout().strip(), result.toString());
    }

    @Test
    void itRunsThroughASymlinkFromAnyDirectory() throws Exception {
        Path link = Files.createSymbolicLink(work.resolve("blip"), Dist.HOME.resolve("bin/blip"));

        Dist.Result result = blip(link, work, "--version");
        Files.delete(link);

        assertEquals(0, result.exit(), result.toString());
        assertEquals("blip " + Dist.VERSION, result.stdout().strip(), result.toString());
    }

    /** Like Blip's other --print-* flags, --print-plugins boots, prints and runs on unless --run=false. */
    @Test
    void printPluginsListsTheBuiltInProvidersAndEveryPluginLayer() throws Exception {
        Dist.Result result = blip(Dist.HOME.resolve("bin/blip"), work, "--print-plugins", "--run=false");

        assertEquals(0, result.exit(), result.toString());
        Path plugins = Dist.HOME.toRealPath().resolve("plugins");
        assertTrue(result.stdout().contains("Plugin layers in " + plugins + ":\n"), result.toString());
        List<String> providers = result.stdout().lines().map(l -> l.strip().replaceAll(" {2,}", " ")).toList();
        for (String builtIn : List.of("log sink io.blip.sinks boot", "status.global collector io.blip.domains boot",
                "password-file credential-source io.blip.runtime boot",
                "aws-iam credential-source io.blip.plugin.aws", "aws-secret credential-source io.blip.plugin.aws",
                "imds region-resolver io.blip.plugin.aws", "aws monitor-loader io.blip.plugin.aws",
                "aws.rds collector io.blip.plugin.aws", "rds tls-provider io.blip.plugin.tls.rds",
                "datadog sink io.blip.sink.datadog", "chronosphere sink io.blip.sink.chronosphere",
                "prom-pushgateway sink io.blip.sink.pushgateway",
                "signalfx sink io.blip.sink.signalfx")) {
            assertTrue(providers.stream().anyMatch(l -> l.startsWith(builtIn)), builtIn + " in:\n" + result);
        }
        Map<String, String> modules = Map.of("aws", "io.blip.plugin.aws", "datadog", "io.blip.sink.datadog",
                "chronosphere", "io.blip.sink.chronosphere",
                "prom-pushgateway", "io.blip.sink.pushgateway", "signalfx", "io.blip.sink.signalfx",
                "otlp", "io.blip.sink.otlp", "tls-rds", "io.blip.plugin.tls.rds");
        for (String dir : Dist.PLUGIN_DIRS) {
            String prefix = "  " + plugins.resolve(dir);
            assertTrue(result.stdout().lines().anyMatch(l -> (l.startsWith(prefix + ": ") || l.startsWith(prefix + " ("))
                            && l.contains(modules.get(dir))),
                    "a layer line for plugins/" + dir + " with module " + modules.get(dir) + ":\n" + result);
        }
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    /** Runs bin/blip with this JVM's JDK as JAVA_HOME. */
    private static Dist.Result blip(Path launcher, Path cwd, String... args) throws Exception {
        var command = new ArrayList<String>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        return Dist.run(command, cwd, Map.of("JAVA_HOME", System.getProperty("java.home")));
    }
}
