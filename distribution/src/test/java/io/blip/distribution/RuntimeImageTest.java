package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * runtime/, the Java runtime jlink made for the tarball with runtime/: JDK modules only, and every JDK
 * module the shipped jars use, as jdeps finds them, but those left out on purpose.
 */
class RuntimeImageTest {
    private static final Path RUNTIME = Dist.HOME.resolve("runtime");

    /** Used by a shipped jar and left out of runtime/, with why (distribution/pom.xml, blip.runtime.modules). */
    private static final Map<String, String> LEFT_OUT = Map.of("java.desktop",
            "java.beans in the typesafe config's ConfigBeanFactory, which Blip does not call, and the AWS RDS "
                    + "model's java.beans.Transient annotations, which nothing reads");

    @Test
    void runtimeHoldsJdkModulesOnlyTheOnesThePomNames() throws Exception {
        String out = run(List.of(RUNTIME.resolve("bin/java").toString(), "--list-modules"));
        Set<String> modules = out.lines().map(l -> l.substring(0, l.indexOf('@'))).collect(Collectors.toCollection(TreeSet::new));
        for (String module : modules) {
            assertTrue(module.startsWith("java.") || module.startsWith("jdk."), "a JDK module: " + module + " in " + modules);
        }
        assertTrue(modules.containsAll(Dist.RUNTIME_MODULES), modules + " holds " + Dist.RUNTIME_MODULES);
        // What the pom names and what they require: java.sql brings java.xml and java.transaction.xa,
        // java.naming java.security.sasl.
        assertEquals(new TreeSet<>(List.of("java.base", "java.logging", "java.management", "java.naming",
                "java.net.http", "java.security.sasl", "java.sql", "java.transaction.xa", "java.xml", "jdk.httpserver",
                "jdk.unsupported")), modules);
        assertTrue(Files.isRegularFile(RUNTIME.resolve("legal/java.base/LICENSE")), "OpenJDK's licence in runtime/legal/");
    }

    @Test
    void everyJdkModuleTheShippedJarsUseIsInRuntimeButThoseLeftOutOnPurpose() throws Exception {
        List<Path> dirs = new ArrayList<>(List.of(Dist.HOME.resolve("lib")));
        Dist.PLUGIN_DIRS.forEach(d -> dirs.add(Dist.HOME.resolve("plugins").resolve(d)));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jdeps").toString(),
                "--multi-release", String.valueOf(Runtime.version().feature()), "-q", "--ignore-missing-deps",
                "--list-deps", "--module-path", dirs.stream().map(Path::toString).collect(Collectors.joining(":"))));
        dirs.forEach(d -> Dist.jars(d).forEach(j -> command.add(j.toString())));
        Set<String> used = run(command).lines().map(String::strip).map(l -> l.contains("/") ? l.substring(0, l.indexOf('/')) : l)
                .filter(m -> m.startsWith("java.") || m.startsWith("jdk.")).collect(Collectors.toCollection(TreeSet::new));
        Set<String> inRuntime = run(List.of(RUNTIME.resolve("bin/java").toString(), "--list-modules")).lines()
                .map(l -> l.substring(0, l.indexOf('@'))).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(inRuntime);
        missing.removeAll(LEFT_OUT.keySet());
        assertEquals(Set.of(), missing, "JDK modules the jars use (" + used + ") that runtime/ lacks");
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }
}
