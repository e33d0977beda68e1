package io.blip.distribution;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rules of ARCHITECTURE.md that need every module, checked on the first-party jars the
 * distribution ships (lib/blip-*.jar, plugins/NAME/blip-*.jar). The rules about blip-api and
 * blip-runtime alone are in blip-runtime's io.blip.runtime.arch.ArchitectureTest.
 */
class ArchitectureTest {

    @Test
    void noPluginReadsTheRuntime() {
        List<Path> pluginJars = Dist.PLUGIN_DIRS.stream()
                .flatMap(d -> Dist.jars(Dist.HOME.resolve("plugins").resolve(d)).stream())
                .filter(jar -> jar.getFileName().toString().startsWith("blip-"))
                .toList();
        assertEquals(Dist.PLUGIN_DIRS.size(), pluginJars.size(), "one first-party jar per plugin directory: " + pluginJars);

        JavaClasses plugins = new ClassFileImporter().importPaths(pluginJars);
        noClasses().that().resideInAnyPackage("io.blip.plugin..", "io.blip.sink..")
                .should().dependOnClassesThat().resideInAPackage("io.blip.runtime..")
                .because("plugins compile against blip-api only")
                // The first-party plugins hold no class yet; the module check below still applies.
                .allowEmptyShould(true)
                .check(plugins);

        List<String> requiringRuntime = pluginJars.stream()
                .map(jar -> descriptor(jar))
                .filter(d -> d.requires().stream().anyMatch(r -> r.name().equals("io.blip.runtime")))
                .map(ModuleDescriptor::name)
                .toList();
        assertEquals(List.of(), requiringRuntime, "plugin modules that require io.blip.runtime");
    }

    @Test
    void noPackageIsSplitAcrossFirstPartyModules() {
        Map<String, TreeSet<String>> modulesByPackage = new TreeMap<>();
        for (Path jar : Dist.firstPartyJars()) {
            ModuleDescriptor module = descriptor(jar);
            module.packages().forEach(pkg -> modulesByPackage.computeIfAbsent(pkg, k -> new TreeSet<>())
                    .add(module.name() + " (" + Dist.HOME.relativize(jar) + ")"));
        }
        String split = modulesByPackage.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + " is in " + String.join(" and ", e.getValue()))
                .collect(Collectors.joining("\n"));
        assertEquals("", split, "packages split across modules");
    }

    private static ModuleDescriptor descriptor(Path jar) {
        return ModuleFinder.of(jar).findAll().stream()
                .map(ModuleReference::descriptor)
                .findFirst()
                .orElseThrow(() -> new AssertionError(jar + " is not a module"));
    }
}
