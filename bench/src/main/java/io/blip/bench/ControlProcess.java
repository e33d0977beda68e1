package io.blip.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Starts {@link Control} in a JVM of its own: bin/blip's java with bin/blip's JVM options (as
 * {@link JvmCommand} read them from the running Blip, and the environment variables the JVM reads
 * options from), and on the class path only the control's classes and the distribution's MySQL
 * driver.
 */
final class ControlProcess {
    private ControlProcess() {
    }

    /** Starts the control, querying at {@code offsetMillis} past each whole second. */
    static Launched start(String name, JvmCommand blipJvm, Path driverJar, String jdbcUrl, String user, String password,
                          long offsetMillis, Path dir, Consumer<Output.Line> onStdout) {
        List<String> command = new ArrayList<>();
        command.add(blipJvm.java());
        command.addAll(blipJvm.optionsFor(dir));
        command.addAll(List.of("-cp", classes() + File.pathSeparator + driverJar, Control.class.getName(), jdbcUrl,
                Long.toString(offsetMillis)));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeAll(List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"));
        env.putAll(blipJvm.optionsEnv());
        env.put("BENCH_CONTROL_USER", user);
        env.put("BENCH_CONTROL_PASSWORD", password);
        List<String> shown = new ArrayList<>();
        blipJvm.optionsEnv().forEach((k, v) -> shown.add(k + "='" + v + "'"));
        shown.add("BENCH_CONTROL_USER=" + user);
        shown.add("BENCH_CONTROL_PASSWORD=...");
        shown.addAll(command);
        return Launched.start(name, pb, shown, onStdout, line -> { });
    }

    /** Where this class's compiled classes are (bench/target/classes). */
    private static Path classes() {
        try {
            return Path.of(Control.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
