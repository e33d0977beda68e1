package io.blip.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control runs with bin/blip's JVM options as read from {@code /proc}, whatever bin/blip's
 * defaults become: these are command lines bin/blip runs or may run.
 */
class JvmCommandTest {
    private static final String JAVA = "/usr/lib/jvm/jdk/bin/java";

    @TempDir
    Path dir;

    @Test
    void theOptionsAreWhatComesBeforeTheModulePath() {
        JvmCommand jvm = JvmCommand.parse(List.of(JAVA, "-Dblip.home=/opt/blip", "-p", "/opt/blip/lib", "-m",
                "io.blip.runtime/io.blip.runtime.Main", "--config", "blip.yaml"), Map.of());

        assertEquals(JAVA, jvm.java());
        assertEquals(List.of("-Dblip.home=/opt/blip"), jvm.options());
    }

    @Test
    void optionsWithASeparateValueKeepIt() {
        JvmCommand jvm = JvmCommand.parse(List.of(JAVA, "-XX:+UseSerialGC", "-Xss512k", "--add-modules", "java.se",
                "-XX:TieredStopAtLevel=1", "--module-path=/opt/blip/lib", "--module", "io.blip.runtime/x.Main"),
                Map.of());

        assertEquals(List.of("-XX:+UseSerialGC", "-Xss512k", "--add-modules", "java.se", "-XX:TieredStopAtLevel=1"),
                jvm.options());
    }

    @Test
    void argumentFilesAreReadAsTheLauncherReadsThem() throws Exception {
        Path file = dir.resolve("jvm.options");
        Files.writeString(file, "# Blip's JVM\n-Xmx64m -XX:+UseSerialGC # small\n"
                + "\"-Dname=a b\" -Dtag=a#b\n-p /opt/blip/lib\n");

        JvmCommand jvm = JvmCommand.parse(List.of(JAVA, "@" + file, "-m", "io.blip.runtime/x.Main"), Map.of());

        assertEquals(List.of("-Xmx64m", "-XX:+UseSerialGC", "-Dname=a b", "-Dtag=a#b"), jvm.options());
    }

    @Test
    void optionsFromTheEnvironmentGoAlong() {
        JvmCommand jvm = JvmCommand.parse(List.of(JAVA, "-cp", "x", "Main"),
                Map.of("JDK_JAVA_OPTIONS", "-Xshare:auto", "PATH", "/bin"));

        assertEquals(List.of(), jvm.options());
        assertEquals(Map.of("JDK_JAVA_OPTIONS", "-Xshare:auto"), jvm.optionsEnv());
    }

    @Test
    void anotherProgramGetsItsOwnCopyOfTheSharedArchive() throws Exception {
        Path archive = Files.writeString(dir.resolve("blip.jsa"), "archive");
        Path elsewhere = Files.createDirectory(dir.resolve("control"));
        JvmCommand jvm = JvmCommand.parse(List.of(JAVA, "-XX:SharedArchiveFile=" + archive,
                "-XX:+AutoCreateSharedArchive", "-p", "lib"), Map.of());

        assertEquals(List.of("-XX:SharedArchiveFile=" + elsewhere.resolve("control-blip.jsa"),
                "-XX:+AutoCreateSharedArchive"), jvm.optionsFor(elsewhere));
        assertEquals("archive", Files.readString(elsewhere.resolve("control-blip.jsa")));
    }
}
