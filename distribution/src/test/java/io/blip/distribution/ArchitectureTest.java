package io.blip.distribution;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rules of ARCHITECTURE.md that need every module, checked on the first-party jars the
 * distribution ships (lib/blip-*.jar, plugins/NAME/blip-*.jar). The rules about blip-api and
 * blip-runtime alone are in blip-runtime's io.blip.runtime.arch.ArchitectureTest.
 */
class ArchitectureTest {
    private static final String API = "io.blip.api";

    @Test
    void noPluginReadsTheRuntime() {
        List<Path> pluginJars = Dist.PLUGIN_DIRS.stream()
                .flatMap(d -> Dist.jars(Dist.HOME.resolve("plugins").resolve(d)).stream())
                .filter(jar -> jar.getFileName().toString().startsWith("blip-"))
                .toList();
        assertEquals(Dist.PLUGIN_DIRS.size(), pluginJars.size(), "one first-party jar per plugin directory: " + pluginJars);

        JavaClasses plugins = classesOf(pluginJars);
        noClasses().that().resideInAnyPackage("io.blip.plugin..", "io.blip.sink..", "io.blip.sinks..",
                        "io.blip.domains..")
                .should().dependOnClassesThat().resideInAPackage("io.blip.runtime..")
                .because("plugins compile against blip-api only")
                .check(plugins);

        List<String> requiringRuntime = pluginJars.stream()
                .map(jar -> descriptor(jar))
                .filter(d -> d.requires().stream().anyMatch(r -> r.name().equals("io.blip.runtime")))
                .map(ModuleDescriptor::name)
                .toList();
        assertEquals(List.of(), requiringRuntime, "plugin modules that require io.blip.runtime");
    }

    /**
     * Every first-party module builds on blip-api alone: the runtime, the built-in domains and
     * sinks, and each plugin require no other first-party module and read none of its classes.
     */
    @Test
    void theModuleGraphIsAStarAroundBlipApi() {
        Map<String, List<String>> otherFirstParty = new TreeMap<>();
        Map<String, Set<String>> packagesByModule = new TreeMap<>();
        for (Path jar : Dist.firstPartyJars()) {
            ModuleDescriptor module = descriptor(jar);
            packagesByModule.put(module.name(), module.packages());
            List<String> requires = module.requires().stream().map(ModuleDescriptor.Requires::name)
                    .filter(name -> name.startsWith("io.blip.") && !name.equals(API)).sorted().toList();
            if (!requires.isEmpty()) {
                otherFirstParty.put(module.name(), requires);
            }
        }
        assertEquals(Map.of(), otherFirstParty, "first-party modules that require another first-party module");
        assertTrue(packagesByModule.containsKey(API), "blip-api among " + packagesByModule.keySet());

        JavaClasses all = classesOf(Dist.firstPartyJars());
        packagesByModule.forEach((module, packages) -> {
            if (module.equals(API)) {
                return;
            }
            String[] own = packages.toArray(String[]::new);
            noClasses().that().resideInAnyPackage(own)
                    .should().dependOnClassesThat(new DescribedPredicate<JavaClass>("are in another first-party module "
                            + "than blip-api") {
                        @Override
                        public boolean test(JavaClass c) {
                            String pkg = c.getPackageName();
                            return pkg.startsWith("io.blip.") && !packages.contains(pkg)
                                    && !packagesByModule.get(API).contains(pkg);
                        }
                    })
                    .because(module + " builds on blip-api only")
                    .check(all);
        });
    }

    /**
     * Shipped code reads the time and waits for it through {@code io.blip.api.time.Time} alone, so
     * that tests run it in virtual time: no system clock, sleep or timed wait anywhere else. Left out:
     * {@code Time.system()} itself, and {@code System.nanoTime} where the AWS IMDS ask measures a real
     * socket budget.
     */
    @Test
    void timeIsReadAndWaitedForOnlyThroughTime() {
        noClasses().that().haveNameNotMatching("io\\.blip\\.api\\.time\\.SystemTime")
                .should().callMethodWhere(readOrWaitForTheSystemsTime())
                .because("Time is the one door to the clock (io.blip.api.time)")
                .check(classesOf(Dist.firstPartyJars()));
    }

    private static DescribedPredicate<JavaMethodCall> readOrWaitForTheSystemsTime() {
        return new DescribedPredicate<>("read or wait for the system's time") {
            @Override
            public boolean test(JavaMethodCall call) {
                String owner = call.getTargetOwner().getName();
                String name = call.getName();
                boolean timed = call.getTarget().getRawParameterTypes().stream()
                        .anyMatch(t -> t.getName().equals("java.util.concurrent.TimeUnit")
                                || t.getName().equals("java.time.Duration"));
                return switch (owner) {
                    case "java.lang.System" -> name.equals("currentTimeMillis") || name.equals("nanoTime")
                            && !call.getOriginOwner().getName().equals("io.blip.plugin.aws.region.ImdsRegionResolver");
                    case "java.lang.Thread" -> name.equals("sleep") || name.equals("join")
                            && !call.getTarget().getRawParameterTypes().isEmpty();
                    case "java.lang.Object" -> name.equals("wait") && !call.getTarget().getRawParameterTypes().isEmpty();
                    case "java.util.concurrent.TimeUnit" -> name.equals("sleep") || name.startsWith("timed");
                    case "java.util.concurrent.locks.LockSupport" -> name.equals("parkNanos") || name.equals("parkUntil");
                    case "java.time.Instant", "java.time.LocalDate", "java.time.LocalDateTime", "java.time.LocalTime",
                         "java.time.OffsetDateTime", "java.time.ZonedDateTime" -> name.equals("now");
                    case "java.time.Clock" -> name.startsWith("system");
                    // Future.get, CountDownLatch.await, Semaphore.tryAcquire, BlockingQueue.poll, ... with a timeout
                    default -> timed && (owner.startsWith("java.util.concurrent.") || owner.equals("java.lang.Process"));
                };
            }
        };
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

    /** The classes of jars (importPaths reads directories of classes, not the classes in a jar). */
    private static JavaClasses classesOf(List<Path> jars) {
        List<JarFile> files = new ArrayList<>();
        try {
            for (Path jar : jars) {
                files.add(new JarFile(jar.toFile()));
            }
            return new ClassFileImporter().importJars(files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ModuleDescriptor descriptor(Path jar) {
        return ModuleFinder.of(jar).findAll().stream()
                .map(ModuleReference::descriptor)
                .findFirst()
                .orElseThrow(() -> new AssertionError(jar + " is not a module"));
    }
}
