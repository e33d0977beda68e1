package io.blip.testkit;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The reliability suite at TRACE, written down and scanned for test secrets (R26). For each {@code R<n>...Test}
 * class (JUnit finds this extension itself: the build turns on extension auto-detection), every logger of the
 * test JVM logs at every level (SLF4J's TRACE is JUL's FINEST), and everything the class's tests write goes to
 * {@code target/reliability/trace/<class>/}: {@code jvm.log}, every log record with its thread and stack trace;
 * one file per process output an {@link OutputWatcher} read or a test handed to {@link #output}; the
 * exceptions the tests threw. After the class, {@link SecretScan} looks there for every {@link TestSecrets}
 * secret, and a hit fails the class, naming the file, line and secret's label. Other classes are left alone.
 */
public final class TraceCapture implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {
    private static final Pattern ROW_TEST = Pattern.compile("R[1-9][0-9]?[A-Z]\\w*Test");
    private static final String KEY = "capture";
    /** The class being captured: one at a time, as surefire runs a module's classes one after another. */
    private static volatile Capture active;

    /** For JUnit's {@code ServiceLoader}. */
    public TraceCapture() {
    }

    /** Whether a class is a row's test, {@code R<n><What>Test}. */
    static boolean isRowTest(Class<?> c) {
        return ROW_TEST.matcher(c.getSimpleName()).matches();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Class<?> test = context.getRequiredTestClass();
        if (!isRowTest(test) || context.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
            return; // not a row's test, or a @Nested class inside one (its outer class is captured already)
        }
        Capture c = new Capture(Reliability.dir().resolve("trace").resolve(test.getName()));
        context.getStore(ExtensionContext.Namespace.create(TraceCapture.class)).put(KEY, c);
        active = c;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        Capture c = context.getStore(ExtensionContext.Namespace.create(TraceCapture.class)).remove(KEY, Capture.class);
        if (c == null) {
            return;
        }
        active = null;
        c.close();
        SecretScan.Result r = SecretScan.scan(List.of(c.dir), TestSecrets.known(Reliability.dir()));
        if (!r.hits().isEmpty()) {
            throw new AssertionError(r.findings());
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        thrown(context, thrown);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        thrown(context, thrown);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        thrown(context, thrown);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        thrown(context, thrown);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        thrown(context, thrown);
    }

    private static void thrown(ExtensionContext context, Throwable thrown) throws Throwable {
        Capture c = active;
        if (c != null) {
            c.record("exception in " + context.getDisplayName(), stackTrace(thrown));
        }
        throw thrown;
    }

    /** Adds a stream's text to the class being captured, when it is written (at the class's end). */
    static void watch(String name, Supplier<String> text) {
        Capture c = active;
        if (c != null) {
            c.watched.add(new Watched(name, text));
        }
    }

    /**
     * Adds text a test read from a process or a command line run in this JVM (its standard output, its
     * error output) to the class being captured, if one is.
     */
    public static void output(String name, String text) {
        Capture c = active;
        if (c != null) {
            c.record(name, text);
        }
    }

    private static String stackTrace(Throwable t) {
        var w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private record Watched(String name, Supplier<String> text) {
    }

    /** One class's capture: the JUL root logger at ALL into jvm.log, and the outputs beside it. */
    private static final class Capture {
        private final Path dir;
        private final Logger root = Logger.getLogger("");
        private final Level rootLevel = root.getLevel();
        private final Writer log;
        private final Handler handler;
        private final List<Watched> watched = new CopyOnWriteArrayList<>();
        private final AtomicInteger files = new AtomicInteger();

        Capture(Path dir) throws IOException {
            this.dir = dir;
            if (Files.exists(dir)) {
                try (var old = Files.walk(dir)) {
                    for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
            log = Files.newBufferedWriter(dir.resolve("jvm.log"), StandardCharsets.UTF_8);
            handler = new Handler() {
                private final Formatter messages = new java.util.logging.SimpleFormatter();

                @Override
                public void publish(LogRecord r) {
                    String line = Instant.ofEpochMilli(r.getMillis()) + " " + r.getLevel() + " " + r.getLoggerName()
                            + " [" + Thread.currentThread().getName() + "] " + messages.formatMessage(r) + "\n"
                            + (r.getThrown() == null ? "" : stackTrace(r.getThrown()));
                    synchronized (log) {
                        try {
                            log.write(line);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            handler.setLevel(Level.ALL);
            root.addHandler(handler);
            root.setLevel(Level.ALL);
        }

        void record(String name, String text) {
            Path f = dir.resolve(String.format("%03d-%s.txt", files.incrementAndGet(),
                    name.replaceAll("[^A-Za-z0-9._-]+", "_")));
            try {
                Files.writeString(f, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void close() throws IOException {
            root.setLevel(rootLevel);
            root.removeHandler(handler);
            synchronized (log) {
                log.close();
            }
            for (Watched w : watched) {
                record(w.name(), w.text().get());
            }
        }
    }
}
