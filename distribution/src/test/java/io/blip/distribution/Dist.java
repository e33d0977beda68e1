package io.blip.distribution;

import io.blip.testkit.TraceCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The assembled distribution, target/blip-VERSION/, as the build's surefire configuration names it. */
final class Dist {
    static final String VERSION = required("blip.version");
    static final Path HOME = Path.of(required("blip.dist"));
    /** blip-VERSION.tar.gz: without runtime/, for a JDK of one's own. */
    static final Path TARBALL = Path.of(required("blip.tarball"));
    private static final long RUN_SECONDS = 90;
    /** blip-VERSION-linux-x64.tar.gz: with runtime/, the tree of {@link #HOME}. */
    static final Path TARBALL_WITH_RUNTIME = Path.of(required("blip.tarball.runtime"));
    /** The JDK modules jlink put in runtime/ (distribution/pom.xml), without those they require. */
    static final List<String> RUNTIME_MODULES = List.of(required("blip.runtime.modules").split(","));
    static final List<String> PLUGIN_DIRS = List.of("aws", "chronosphere", "datadog", "otlp", "prom-pushgateway",
            "signalfx", "tls-rds");

    private Dist() {
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run these tests through "
                    + "Maven: ./dev mvn verify -pl distribution -am");
        }
        return value;
    }

    /** The jars in a directory of the distribution, sorted. */
    static List<Path> jars(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first-party jars (blip-*.jar) of lib/ and of every plugin directory. */
    static List<Path> firstPartyJars() {
        return Stream.concat(Stream.of(HOME.resolve("lib")), PLUGIN_DIRS.stream().map(d -> HOME.resolve("plugins").resolve(d)))
                .flatMap(dir -> jars(dir).stream())
                .filter(jar -> jar.getFileName().toString().startsWith("blip-"))
                .toList();
    }

    /** {@code bin/blip ARGS} in {@code dir}, on this JVM's JDK, without the developer's {@code JAVA_OPTS}. */
    static ProcessBuilder blip(Path dir, String... args) {
        var command = new java.util.ArrayList<>(List.of(HOME.resolve("bin/blip").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        return pb;
    }

    /**
     * Sends {@code signal} ({@code TERM}, {@code HUP}, ...) with kill(1); for SIGTERM not {@link Process#destroy},
     * which also closes this side of the process's pipes, so that what it writes after the signal is lost here.
     */
    static void signal(Process p, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + signal + " " + p.pid() + " exited " + kill.exitValue());
        }
    }

    /** {@code bin/blip --plugins DIR --print-plugins}: what it printed (it prints and exits 0). */
    static String printPlugins(Path plugins) throws IOException, InterruptedException {
        Process p = blip(Path.of("."), "--plugins", plugins.toString(), "--print-plugins").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError("bin/blip --print-plugins exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    /**
     * The AWS part of bin/blip's environment in a test: nothing of the machine's (no AWS_* variable,
     * profile, credentials file or instance metadata), and static test credentials.
     */
    static void awsTestEnv(java.util.Map<String, String> env, Path work, String accessKeyId, String secretKey) {
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", accessKeyId);
        env.put("AWS_SECRET_ACCESS_KEY", secretKey);
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", work.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-aws-credentials").toString());
    }

    /**
     * Runs a command to its end (at most 90 s) in {@code cwd}, its output in files there, with no JAVA_OPTS or
     * BLIP_PLUGINS of the machine's and {@code env} added.
     */
    static Result run(List<String> command, Path cwd, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile(cwd, "out", ".txt");
        Path err = Files.createTempFile(cwd, "err", ".txt");
        var builder = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("BLIP_PLUGINS");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + RUN_SECONDS + " s; stderr:\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        Result r = new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        TraceCapture.output("stdout", r.stdout());
        TraceCapture.output("stderr", r.stderr());
        return r;
    }

    /** A command's exit status and output. */
    record Result(List<String> command, int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exit + "\nstdout:\n" + stdout + "stderr:\n" + stderr;
        }
    }
}
