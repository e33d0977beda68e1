package io.blip.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A plugin booted as bin/blip boots it: the runtime in its own JVM on the module path of lib/ (blip-api,
 * the runtime, the built-in domains and sinks, and their libraries, as this JVM has them), and the
 * plugin as a layer of its own from {@code plugins/<name>/}, its jar made of its module's
 * {@code target/classes}. The module's tests must have those classes and lib/'s artifacts on their path.
 *
 * <p>The environment's {@code BLIP_*} variables, and those the test names, are not passed on, so the
 * developer's own settings cannot change what the booted Blip reads.
 */
public final class PluginBoot {
    /** What lib/ holds (distribution/src/assembly/layout.xml), by artifact. */
    public static final Set<String> LIB = Set.of("blip-api", "blip-runtime", "blip-domains", "blip-sinks", "config",
            "mysql-connector-j", "slf4j-api", "logback-classic", "logback-core", "jul-to-slf4j", "snakeyaml-engine");
    private static final Pattern VERSIONED_JAR = Pattern.compile("(.+?)-[0-9][^/]*\\.jar");
    private static final Duration EXIT = Duration.ofSeconds(60);

    private final Path plugins;
    private final Predicate<String> dropEnv;

    private PluginBoot(Path plugins, Predicate<String> dropEnv) {
        this.plugins = plugins;
        this.dropEnv = dropEnv;
    }

    /**
     * Writes {@code <dir>/plugins/<name>/<artifact>-0.1.0-SNAPSHOT.jar} of {@code <artifact>/target/classes}.
     *
     * @param dir      the test's directory
     * @param artifact the plugin's module, e.g. {@code blip-sink-signalfx}
     * @param name     its directory in plugins/, e.g. {@code signalfx}
     * @param dropEnv  environment variables, besides {@code BLIP_*}, not passed to Blip
     */
    public static PluginBoot of(Path dir, String artifact, String name, Predicate<String> dropEnv)
            throws IOException {
        Objects.requireNonNull(dropEnv, "dropEnv");
        Path classes = Stream.of("jdk.module.path", "java.class.path")
                .flatMap(p -> Stream.of(System.getProperty(p, "").split(File.pathSeparator)))
                .filter(e -> !e.isBlank()).map(Path::of)
                .filter(e -> e.endsWith(Path.of(artifact, "target", "classes"))).findFirst()
                .orElseThrow(() -> new AssertionError(artifact + "/target/classes is not on the test's path"));
        Path plugin = Files.createDirectories(dir.resolve("plugins").resolve(name));
        try (OutputStream file = Files.newOutputStream(plugin.resolve(artifact + "-0.1.0-SNAPSHOT.jar"));
             var jar = new JarOutputStream(file); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                try {
                    Files.copy(f, jar);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                jar.closeEntry();
            }
        }
        return new PluginBoot(dir.resolve("plugins"), dropEnv);
    }

    /** The plugins directory given to Blip. */
    public Path plugins() {
        return plugins;
    }

    /**
     * {@code java -p <lib> -m io.blip.runtime/io.blip.runtime.Main --plugins <plugins> --config <config> ...},
     * its error output in its standard output.
     */
    public Process start(Path config, String... more) throws IOException {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", String.join(File.pathSeparator, lib()), "-m", "io.blip.runtime/io.blip.runtime.Main",
                "--plugins", plugins.toString(), "--config", config.toString()));
        command.addAll(List.of(more));
        var pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("BLIP_") || dropEnv.test(k));
        return pb.start();
    }

    /** What a test waits for while Blip runs: an outcome at a fake receiver, typically. */
    @FunctionalInterface
    public interface Wait {
        void run() throws Exception;
    }

    /**
     * Starts Blip, waits for {@code until}, then stops it with SIGTERM (Blip flushes its sinks and exits),
     * which it must obey within 20 s, whether {@code until} came or failed.
     *
     * @return what Blip printed
     */
    public OutputWatcher runUntil(Path config, Wait until, String... more) throws Exception {
        Process blip = start(config, more);
        var out = OutputWatcher.of("bin/blip", blip.getInputStream());
        try {
            until.run();
        } finally {
            blip.destroy();
            if (!blip.waitFor(20, TimeUnit.SECONDS)) {
                blip.destroyForcibly();
                throw new AssertionError("Blip did not stop on SIGTERM");
            }
        }
        return out;
    }

    /** How a run ended: Blip's exit value and all it printed. */
    public record Ended(int exitValue, String output) {
    }

    /** Runs Blip to its end, which must come within a minute. */
    public Ended run(Path config, String... more) throws IOException, InterruptedException {
        Process p = start(config, more);
        var out = OutputWatcher.of("bin/blip " + String.join(" ", more), p.getInputStream());
        if (!p.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Blip did not exit");
        }
        String text = out.await("the end of its output", o -> out.ended(), Duration.ofSeconds(10));
        return new Ended(p.exitValue(), text);
    }

    /** lib/: this JVM's copies of what the distribution puts there. */
    public static List<String> lib() {
        var out = new LinkedHashSet<String>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
                if (!entry.isBlank() && LIB.contains(artifact(Path.of(entry)))) {
                    out.add(entry);
                }
            }
        }
        if (out.size() != LIB.size()) {
            throw new AssertionError("lib/ from " + out + ": expected " + LIB.size() + " of " + LIB);
        }
        return List.copyOf(out);
    }

    /** {@code blip-runtime} of {@code .../blip-runtime/target/classes} or {@code blip-runtime-0.1.jar}. */
    private static String artifact(Path entry) {
        if (entry.endsWith(Path.of("target", "classes"))) {
            return entry.getParent().getParent().getFileName().toString();
        }
        Matcher m = VERSIONED_JAR.matcher(entry.getFileName().toString());
        return m.matches() ? m.group(1) : entry.getFileName().toString();
    }
}
