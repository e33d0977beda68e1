package io.blip.runtime.config;

import io.blip.api.BlipException;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.plan.Plan;
import io.blip.api.sink.Delivery;
import io.blip.runtime.plan.PlanFiles;
import io.blip.runtime.plan.PlanValidator;
import io.blip.runtime.plugin.Plugins;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every YAML example of Blip's documentation and every test plan of Blip's repository
 * ({@code src/test/resources/blip-docs/}, listed in its {@code index.txt}), loaded unchanged the way
 * Blip would use it: a config file with {@link ConfigLoader#load}, a monitor file through
 * {@code monitor-loader.files}, a plan file with the plan loader and validator. Each loads, or is
 * refused as "not supported yet" by what a later issue builds, or is a fragment or Blip bug that
 * fails for the reason the index gives.
 */
class BlipDocsExamplesTest {
    private static final String ROOT = "/blip-docs/";
    /** The plugins of the boot layer (Blip's domains, the log and noop sinks) and the AWS plugin's parts. */
    private static Declarations declarations;
    private static Map<String, CollectorHelp> helps;
    private static Plugins plugins;

    @TempDir
    static Path home;

    /** What one example is and what loading it must give. */
    record Example(String file, String kind, String expect, String why, List<String> needs) {
        @Override
        public String toString() {
            return file + " (" + kind + ")";
        }
    }

    @BeforeAll
    static void loadPlugins() throws IOException {
        Files.createDirectories(home.resolve("no-plugins"));
        plugins = Plugins.load(home.resolve("no-plugins"));
        Declarations boot = plugins.declarations(Delivery.OPTIONS);
        var sections = new LinkedHashMap<>(boot.sections());
        // The AWS plugin's aws section (with blip-plugin-tls-rds's disable-auto-tls), as it declares it.
        sections.put("aws", OptionSet.of(
                Option.string("region", "AWS region"),
                Option.bool("iam-auth", "RDS IAM auth token as password").alias("auth-token"),
                Option.string("password-secret", "Secrets Manager secret"),
                Option.bool("disable-auto-region", "no IMDS region"),
                Option.bool("disable-auto-tls", "no RDS CA")));
        var loaders = new LinkedHashMap<>(boot.monitorLoaders());
        loaders.put("aws", OptionSet.of(Option.list("regions", "regions")));
        declarations = new Declarations(boot.sinks(), loaders, sections, boot.advice());
        helps = new LinkedHashMap<>();
        plugins.collectors().forEach(p -> helps.put(p.name(), p.instance().help()));
    }

    static List<Example> index() {
        var out = new ArrayList<Example>();
        for (String line : resource("index.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\|", 5);
            List<String> needs = parts.length < 5 ? List.of()
                    : Stream.of(parts[4].split(",")).map(String::trim).toList();
            out.add(new Example(parts[0].trim(), parts[1].trim(), parts[2].trim(), parts[3].trim(), needs));
        }
        return out;
    }

    @Test
    void theIndexListsEveryExampleOnce() throws IOException {
        List<String> indexed = index().stream().map(Example::file).sorted().toList();
        Path root = Path.of(resourcePath("index.txt")).getParent();
        List<String> present;
        try (Stream<Path> files = Files.walk(root)) {
            present = files.filter(f -> f.toString().endsWith(".yaml")).map(f -> root.relativize(f).toString())
                    .sorted().toList();
        }
        assertEquals(present, indexed);
        assertEquals(93, present.size(), "Blip's docs have 80 YAML examples and its test/plans 13 files");
    }

    @TestFactory
    Stream<DynamicTest> eachExampleLoadsOrIsRefusedAsTheIndexSays() {
        return index().stream().map(e -> DynamicTest.dynamicTest(e.toString(), () -> check(e)));
    }

    private static void check(Example e) throws IOException {
        String outcome = outcome(e);
        if (e.expect().equals("loads")) {
            assertEquals("loads", outcome, e.file() + " should load: " + e.why());
            return;
        }
        String[] expect = e.expect().split(":", 2);
        assertTrue(expect.length == 2 && (expect[0].equals("not supported yet") || expect[0].equals("fails")),
                "index.txt: " + e.file() + ": expect is loads, not supported yet: ..., or fails: ...");
        assertTrue(!outcome.equals("loads"), e.file() + " loaded but should fail: " + e.expect());
        if (expect[0].equals("not supported yet")) {
            assertTrue(outcome.contains("not supported yet"), e.file() + ": " + outcome);
        }
        for (String part : expect[1].split(";")) {
            if (!outcome.contains(part.trim())) {
                fail(e.file() + ": expected \"" + part.trim() + "\" in:\n" + outcome);
            }
        }
    }

    /** "loads", or every problem loading the example gave. */
    private static String outcome(Example e) throws IOException {
        Path dir = Files.createTempDirectory(home, "example");
        String text = resource(e.file());
        Map<String, String> env = Map.of("HOME", dir.toString(), "SECRETS_DIR", dir.resolve("secrets").toString(),
                "TERM", "xterm", "SHELL", "/bin/sh");
        for (String need : e.needs()) {
            Path file = dir.resolve(need);
            Files.createDirectories(file.getParent());
            Files.writeString(file, need.endsWith(".yaml") ? "hostname: " + need + ".local\n" : "[client]\nuser=blip\nhost=db.local\n");
        }
        try {
            switch (e.kind()) {
                case "config", "fragment-config" -> {
                    Path file = Files.writeString(dir.resolve("blip.yaml"), text);
                    ConfigLoader.load(file, LoadContext.of(env, declarations));
                }
                case "monitor" -> {
                    Files.writeString(dir.resolve("monitors.yaml"), text);
                    Path file = Files.writeString(dir.resolve("blip.yaml"), "monitor-loader:\n  files: [monitors.yaml]\n");
                    ConfigLoader.load(file, LoadContext.of(env, declarations));
                }
                case "plan", "fragment-plan", "test-plan" -> {
                    Files.writeString(dir.resolve("plan.yaml"), text);
                    List<String> problems = new ArrayList<>();
                    for (Plan plan : PlanFiles.load(List.of("plan.yaml"), dir, "plans.files", env)) {
                        problems.addAll(PlanValidator.problems(plan, helps, plugins::missingCollector, "plans.files"));
                    }
                    if (!problems.isEmpty()) {
                        return String.join("\n", problems);
                    }
                }
                case "data" -> ConfigTree.readYaml(text, e.file());
                default -> fail("index.txt: " + e.file() + ": unknown kind " + e.kind());
            }
        } catch (ConfigException ex) {
            return String.join("\n", ex.problems());
        } catch (BlipException ex) {
            return ex.getMessage();
        }
        return "loads";
    }

    private static String resourcePath(String name) {
        try {
            return Path.of(BlipDocsExamplesTest.class.getResource(ROOT + name).toURI()).toString();
        } catch (java.net.URISyntaxException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String resource(String name) {
        try (InputStream in = BlipDocsExamplesTest.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + ROOT + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
