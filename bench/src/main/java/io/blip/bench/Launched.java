package io.blip.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A process the harness started, its output read as it comes. Closing it stops it the way a service
 * manager would (SIGTERM), then, if it is still there after {@value #STOP_SECONDS} s, kills it and
 * anything it started; closing twice does nothing.
 *
 * @param shown the command line as the results file shows it (secrets redacted)
 */
record Launched(String name, Process process, List<String> shown, Output stdout, Output stderr)
        implements AutoCloseable {
    private static final int STOP_SECONDS = 15;

    static Launched start(String name, ProcessBuilder builder, List<String> shown, Consumer<Output.Line> onStdout,
                          Consumer<Output.Line> onStderr) {
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot start " + String.join(" ", shown) + ": " + e.getMessage(),
                    e);
        }
        return new Launched(name, process, List.copyOf(shown), Output.of(name + "-stdout", process.getInputStream(),
                onStdout), Output.of(name + "-stderr", process.getErrorStream(), onStderr));
    }

    long pid() {
        return process.pid();
    }

    /** Throws, with what the process said last, if it has exited. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with status " + process.exitValue() + "; stderr:\n  "
                    + String.join("\n  ", stderr.last()) + "\nstdout:\n  " + String.join("\n  ", stdout.last()));
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
