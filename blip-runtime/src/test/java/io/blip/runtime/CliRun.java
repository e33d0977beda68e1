package io.blip.runtime;

import io.blip.testkit.TraceCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code blip --config <file> --run=false} run in this JVM as a user runs it, with no plugin directory: its
 * exit code, standard error and how long it took on the wall clock. For the reliability rows of bad input.
 */
record CliRun(int exit, String err, long millis) {
    static CliRun check(Path dir, Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long began = System.nanoTime();
        int exit = new Cli(Map.of("BLIP_PLUGINS", dir.resolve("no-plugins").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[] {"--config", config.toString(), "--run=false"});
        long millis = (System.nanoTime() - began) / 1_000_000;
        TraceCapture.output("blip-stdout", out.toString(StandardCharsets.UTF_8));
        TraceCapture.output("blip-stderr", err.toString(StandardCharsets.UTF_8));
        return new CliRun(exit, err.toString(StandardCharsets.UTF_8), millis);
    }

    /** Writes a fixture file into {@code dir}. */
    static Path write(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
