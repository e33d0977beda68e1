package io.blip.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a harness leaves behind, removed when it ends, fails or is interrupted (a shutdown hook, for
 * Ctrl-C): every process this JVM started, the MariaDB servers too, and its temporary directory.
 */
final class Cleanup implements AutoCloseable {
    private final Path dir;
    private final Thread hook;

    private Cleanup(Path dir, String name) {
        this.dir = dir;
        this.hook = new Thread(this::run, name + "-cleanup");
    }

    /** Removes {@code dir} and this JVM's processes at {@link #close()}, or at JVM exit before that. */
    static Cleanup of(Path dir, String name) {
        Cleanup cleanup = new Cleanup(dir, name);
        Runtime.getRuntime().addShutdownHook(cleanup.hook);
        return cleanup;
    }

    @Override
    public void close() {
        run();
        Runtime.getRuntime().removeShutdownHook(hook);
    }

    private void run() {
        List<ProcessHandle> children = ProcessHandle.current().descendants().toList();
        children.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : children) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // Gone already, or a temporary file the system cleans up.
        }
    }
}
