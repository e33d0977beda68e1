package io.blip.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A process's stdout or stderr, read line by line on a virtual thread as it comes: each line goes to
 * a listener with the {@link System#nanoTime()} it arrived at (the harness times start-up, connects
 * and collections by it), and the last {@value #KEPT} lines are kept for messages. Reading it also
 * keeps the pipe from filling up and blocking the process.
 */
final class Output {
    /** A line and when the harness read it. */
    record Line(long nanos, String text) {
    }

    private static final int KEPT = 200;

    private final Deque<String> last = new ArrayDeque<>(); // guarded by this
    private long count; // guarded by this

    private Output() {
    }

    static Output of(String name, InputStream in, Consumer<Line> listener) {
        Output output = new Output();
        Thread.ofVirtual().name("output-" + name).start(() -> output.pump(in, listener));
        return output;
    }

    private void pump(InputStream in, Consumer<Line> listener) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                listener.accept(new Line(System.nanoTime(), line));
                keep(line);
            }
        } catch (IOException e) {
            // The process is gone; what it wrote stays.
        }
    }

    private synchronized void keep(String line) {
        count++;
        last.addLast(line);
        if (last.size() > KEPT) {
            last.removeFirst();
        }
    }

    /** Lines read so far. */
    synchronized long count() {
        return count;
    }

    /** The last lines read, at most {@value #KEPT}. */
    synchronized List<String> last() {
        return List.copyOf(last);
    }
}
