package io.blip.runtime.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.blip.api.MetricType;
import io.blip.runtime.plugin.Plugins;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of ARCHITECTURE.md that concern blip-api and blip-runtime, checked on their classes.
 * The rules that need every module (no plugin reads the runtime; no package split across modules)
 * are checked on the jars the distribution ships, in the distribution module's ArchitectureTest:
 * the plugins are not dependencies of blip-runtime, and must not become ones (surefire would put
 * their providers into this module's boot layer).
 */
class ArchitectureTest {
    private static JavaClasses api;
    private static JavaClasses runtime;

    @BeforeAll
    static void importClasses() throws URISyntaxException {
        // By location rather than by package: on the module path, packages of named modules are
        // not visible as class-loader resources, their jars (or classes directories) are.
        var importer = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS);
        api = importer.importLocations(Set.of(locationOf(MetricType.class)));
        runtime = importer.importLocations(Set.of(locationOf(Plugins.class)));
    }

    private static Location locationOf(Class<?> type) throws URISyntaxException {
        return Location.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void blipApiDependsOnTheJdkAlone() {
        classes().that().resideInAPackage("io.blip.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "io.blip.api..", "")
                .because("plugins compile against blip-api only, and it must not drag a library into every plugin")
                .check(api);
    }

    @Test
    void theRuntimeReadsNoPluginClass() {
        noClasses().that().resideInAPackage("io.blip.runtime..")
                .should().dependOnClassesThat().resideInAnyPackage("io.blip.plugin..", "io.blip.sink.otlp..")
                .because("plugins are found through the SPIs of blip-api, in layers of their own")
                .check(runtime);
    }

    /** blip-api is every plugin's; no plugin, vendor or service is named in it, not even in its docs. */
    @Test
    void blipApiNamesNoVendor() throws IOException {
        Pattern vendor = Pattern.compile("(?i)\\b(aws|amazon|rds|cloudwatch|otlp|datadog|signalfx|chronosphere"
                + "|prometheus|vault)\\b");
        assertEquals(List.of(), matches(Path.of("..", "blip-api", "src", "main", "java"), vendor));
    }

    /** The runtime knows no plugin by name: which directory ships what is a resource, not code. */
    @Test
    void noPluginNameIsAStringLiteralInTheRuntime() throws IOException {
        Pattern literal = Pattern.compile("\"(log|noop|otlp|aws|tls-rds|rds|aws-iam|aws-secret|aws\\.rds)\"");
        assertEquals(List.of(), matches(Path.of("src", "main", "java"), literal));
    }

    /** The lines of the Java files under {@code dir} that {@code pattern} finds something in. */
    private static List<String> matches(Path dir, Pattern pattern) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (pattern.matcher(lines.get(i)).find()) {
                        found.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        return found;
    }

    @Test
    void noThirdPartyTypeInAPublicSignatureOfBlipApi() {
        classes().that().resideInAPackage("io.blip.api..").and().arePublic()
                .should(exposeOnlyJdkAndApiTypes())
                .check(api);
    }

    /** Supertypes, and the types in public or protected fields, methods and constructors. */
    private static ArchCondition<JavaClass> exposeOnlyJdkAndApiTypes() {
        return new ArchCondition<>("expose only java.., javax.. and io.blip.api.. types") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                var exposed = new ArrayList<Exposure>();
                type.getRawSuperclass().ifPresent(s -> exposed.add(new Exposure("supertype", s)));
                type.getRawInterfaces().forEach(i -> exposed.add(new Exposure("interface", i)));
                for (JavaField field : type.getFields()) {
                    if (visible(field.getModifiers())) {
                        involved(field.getType()).forEach(t -> exposed.add(new Exposure("field " + field.getName(), t)));
                    }
                }
                for (JavaCodeUnit unit : type.getCodeUnits()) {
                    if (!visible(unit.getModifiers())) {
                        continue;
                    }
                    String where = unit instanceof JavaConstructor ? "constructor" : unit.getName() + "()";
                    involved(unit.getReturnType()).forEach(t -> exposed.add(new Exposure(where + " returns", t)));
                    unit.getParameterTypes().forEach(p ->
                            involved(p).forEach(t -> exposed.add(new Exposure(where + " takes", t))));
                    unit.getThrowsClause().getTypes().forEach(t -> exposed.add(new Exposure(where + " throws", t)));
                }
                exposed.stream()
                        .filter(e -> {
                            JavaClass base = e.type().getBaseComponentType();
                            return !base.isPrimitive() && !allowed(base.getPackageName());
                        })
                        .map(e -> type.getName() + ": " + e.where() + " " + e.type().getBaseComponentType().getName()
                                + ", a third-party type")
                        .distinct()
                        .forEach(message -> events.add(SimpleConditionEvent.violated(type, message)));
            }
        };
    }

    private record Exposure(String where, JavaClass type) {
    }

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static List<JavaClass> involved(JavaType type) {
        return List.copyOf(type.getAllInvolvedRawTypes());
    }

    private static boolean allowed(String pkg) {
        return Stream.of("java.", "javax.", "io.blip.api.").anyMatch(p -> (pkg + ".").startsWith(p))
                || pkg.equals("io.blip.api");
    }
}
