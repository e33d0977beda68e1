package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.blip.kit.HttpReceiver;
import io.blip.kit.SinkContract;
import io.blip.testkit.EmbeddedMariaDb;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The README's "Write a plugin": the two example plugins under {@code examples/}, a sink and a
 * credential source, are compiled against the {@code blip-api} jar in the distribution's
 * {@code lib/} only, pass the plugin kit's contract tests, and, dropped into {@code plugins/}, load
 * and work in {@code bin/blip}: the monitor logs in with the example's credentials and its
 * collections reach the example's webhook.
 */
class ThirdPartyPluginsTest {
    private static final Path EXAMPLES = Dist.HOME.resolve("../../../examples").normalize();

    @TempDir
    Path work;

    @Test
    void theExamplesCompileAgainstBlipApiPassTheirContractsAndRunInBlip() throws Exception {
        Path plugins = work.resolve("plugins");
        for (String example : List.of("webhook-sink", "file-credentials")) {
            Path classes = compileMain(example);
            runContractTests(example, classes);
            jar(classes, plugins.resolve(example).resolve(example + ".jar"));
        }

        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("blip_example", "example-pw", "SELECT, PROCESS ON *.*");
        Path credentials = work.resolve("db1.properties");
        Files.writeString(credentials, "user=blip_example\npassword=example-pw\n");
        Path plan = work.resolve("plan.yaml");
        Files.writeString(plan, """
                every-second:
                  freq: 1s
                  collect:
                    status.global:
                      metrics: [queries, threads_running]
                """);
        try (HttpReceiver webhook = HttpReceiver.start()) {
            Path config = work.resolve("blip.yaml");
            Files.writeString(config, """
                    api: {bind: "127.0.0.1:0"}
                    plans:
                      files: [%s]
                    file-credentials:
                      path: db1.properties
                    sinks:
                      webhook:
                        url: %s
                    monitors:
                      - id: third-party
                        hostname: %s
                        tls:
                          disable: true
                    """.formatted(plan, webhook.url("/blip"), db.hostPort()));
            Process blip = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config", config.toString(),
                    "--plugins", plugins.toString())
                    .directory(work.toFile()).redirectOutput(work.resolve("stdout.txt").toFile())
                    .redirectError(work.resolve("stderr.txt").toFile()).start();
            try {
                List<HttpReceiver.Request> got = webhook.await(1, Duration.ofSeconds(60));
                assertTrue(got.getFirst().body().contains("\"monitor\":\"third-party\""), got.getFirst().body());
                assertTrue(got.getFirst().body().contains("status.global.queries"), got.getFirst().body());
                String stdout = Dist.printPlugins(plugins);
                assertTrue(stdout.lines().anyMatch(l -> l.strip().startsWith("webhook") && l.contains("sink")
                        && l.contains("com.example.blip.webhook")), stdout);
                assertTrue(stdout.lines().anyMatch(l -> l.strip().startsWith("file-credentials")
                        && l.contains("credential-source") && l.contains("com.example.blip.filecreds")), stdout);
            } finally {
                blip.destroy();
                blip.waitFor(10, TimeUnit.SECONDS);
                blip.destroyForcibly();
            }
            assertTrue(!Files.readString(work.resolve("stderr.txt")).contains("example-pw"), "the password never shows");
        }
    }

    /** The example's main code, compiled as a module against lib/blip-api-*.jar alone. */
    private Path compileMain(String example) throws IOException {
        Path out = work.resolve(example).resolve("classes");
        Path api = Dist.jars(Dist.HOME.resolve("lib")).stream()
                .filter(j -> j.getFileName().toString().startsWith("blip-api-")).findFirst().orElseThrow();
        compile(EXAMPLES.resolve(example).resolve("src/main/java"), out, List.of("--module-path", api.toString()));
        return out;
    }

    /**
     * The example's tests, compiled against its classes, blip-api, the kit and JUnit, and run here
     * with the JUnit launcher: every one passes.
     */
    private void runContractTests(String example, Path classes) throws Exception {
        Path out = work.resolve(example).resolve("test-classes");
        String classPath = String.join(File.pathSeparator, classes.toString(), jarOf(io.blip.api.config.Option.class),
                jarOf(SinkContract.class), jarOf(Test.class));
        compile(EXAMPLES.resolve(example).resolve("src/test/java"), out, List.of("-classpath", classPath));
        List<String> testClasses;
        try (Stream<Path> files = Files.walk(out)) {
            testClasses = files.map(f -> out.relativize(f).toString()).filter(n -> n.endsWith("ContractTest.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace(File.separatorChar, '.')).toList();
        }
        assertEquals(1, testClasses.size(), example + ": one contract test");
        var listener = new SummaryGeneratingListener();
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (var loader = new URLClassLoader(new URL[] {out.toUri().toURL(), classes.toUri().toURL()},
                getClass().getClassLoader())) {
            thread.setContextClassLoader(loader);
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(loader.loadClass(testClasses.getFirst()))).build();
            LauncherFactory.create().execute(request, listener);
        } finally {
            thread.setContextClassLoader(before);
        }
        TestExecutionSummary summary = listener.getSummary();
        var failures = new ArrayList<String>();
        summary.getFailures().forEach(f -> failures.add(f.getTestIdentifier().getDisplayName() + ": " + f.getException()));
        assertEquals(List.of(), failures, example);
        assertTrue(summary.getTestsSucceededCount() >= 4, example + ": " + summary.getTestsSucceededCount()
                + " tests passed");
    }

    private static String jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void compile(Path sources, Path out, List<String> options) throws IOException {
        Files.createDirectories(out);
        List<File> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).map(Path::toFile).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            var args = new ArrayList<>(options);
            args.addAll(List.of("--release", "21", "-d", out.toString()));
            boolean ok = javac.getTask(null, fm, diagnostics, args, null, fm.getJavaFileObjectsFromFiles(files)).call();
            assertTrue(ok, sources + " does not compile: " + diagnostics.getDiagnostics());
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar); var out = new JarOutputStream(file);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
