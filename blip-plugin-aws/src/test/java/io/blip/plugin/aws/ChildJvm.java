package io.blip.plugin.aws;

import io.blip.testkit.TraceCapture;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A {@code main} of the tests run in a child JVM with the environment variables a user sets, which
 * a running JVM cannot set for itself ({@code HOME}, {@code AWS_ENDPOINT_URL_*}, ...). The child
 * has the test JVM's class path and module path on its class path.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Runs {@code main} with the test JVM's environment less the variables {@code drop} matches,
     * plus {@code env}; returns what it printed, standard error included.
     */
    public static String run(Class<?> main, Predicate<String> drop, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        String classPath = String.join(File.pathSeparator, Stream.of(
                        Path.of("target", "test-classes").toAbsolutePath().toString(),
                        System.getProperty("jdk.module.path", ""),
                        System.getProperty("java.class.path", ""))
                .filter(s -> !s.isEmpty()).toList());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(drop);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        TraceCapture.output(main.getSimpleName(), out);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(main.getSimpleName() + " did not end: " + out);
        }
        return out;
    }
}
