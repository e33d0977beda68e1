package io.blip.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Collects what a process or a {@link PrintStream} writes, so that a test can wait for it to say
 * something ({@link #await}) on a real condition, woken by every write, instead of sleeping and
 * reading again. Text is UTF-8.
 *
 * <pre>{@code
 * OutputWatcher out = OutputWatcher.of("stdout", process.getInputStream());
 * out.await("a first collection", o -> o.contains("# monitor:  e2e"), Duration.ofSeconds(30));
 * }</pre>
 */
public final class OutputWatcher {
    private final String name;
    private final Signal signal;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(); // guarded by this
    private boolean ended; // guarded by this

    private OutputWatcher(String name, Signal signal) {
        this.name = name;
        this.signal = signal;
        TraceCapture.watch(name, this::text);
    }

    /** Reads {@code in} (a process's stdout or stderr) on a thread of its own until it ends. */
    public static OutputWatcher of(String name, InputStream in) {
        return of(name, in, new Signal());
    }

    /**
     * As {@link #of(String, InputStream)}, firing {@code signal} at every write and at the end, for a
     * test that waits for a condition over several sources at once.
     */
    public static OutputWatcher of(String name, InputStream in, Signal signal) {
        OutputWatcher w = new OutputWatcher(name, signal);
        Thread.ofVirtual().name("output-watcher-" + name).start(() -> w.pump(in));
        return w;
    }

    /** A watcher that is written to through {@link #printStream()}, e.g. in place of {@code System.out}. */
    public static OutputWatcher printed(String name) {
        return new OutputWatcher(name, new Signal());
    }

    /** An auto-flushing UTF-8 stream into this watcher. */
    public PrintStream printStream() {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                append(new byte[] {(byte) b}, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                byte[] copy = new byte[len];
                System.arraycopy(b, off, copy, 0, len);
                append(copy, len);
            }
        }, true, StandardCharsets.UTF_8);
    }

    private void pump(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                append(buffer, n);
            }
        } catch (IOException e) {
            // The process is gone; what it wrote before stays.
        } finally {
            synchronized (this) {
                ended = true;
            }
            signal.fire();
        }
    }

    private void append(byte[] b, int len) {
        synchronized (this) {
            bytes.write(b, 0, len);
        }
        signal.fire();
    }

    /** Everything written so far. */
    public synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Whether the stream has ended (a process exited). */
    public synchronized boolean ended() {
        return ended;
    }

    /**
     * Returns the text once {@code done} accepts it.
     *
     * @throws AssertionError when it does not within {@code timeout} or the stream ends first; the message
     *                        names {@code what} and holds the text
     */
    public String await(String what, Predicate<String> done, Duration timeout) throws InterruptedException {
        signal.await(() -> ended() || done.test(text()), timeout,
                () -> what + " on " + name + "; it says:\n" + text());
        String text = text();
        if (!done.test(text)) {
            throw new AssertionError(name + " ended before " + what + "; it says:\n" + text);
        }
        return text;
    }

    @Override
    public String toString() {
        return name;
    }
}
