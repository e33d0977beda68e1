package io.blip.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus text exposition format (0.0.4) as a real parser reads it: the official Python client's
 * {@code prometheus_client.parser.text_string_to_metric_families}, run in a {@code python3} child
 * process, so that a test does not judge Blip's output with a parser of its own making.
 *
 * <p>It runs Debian's interpreter, {@value #PYTHON}, because that is where Debian's package
 * {@value #PACKAGE} installs the client (a {@code python3} earlier on the PATH, such as pyenv's,
 * does not see it), in isolated mode ({@code -I}), so that the user's environment and site
 * packages play no part. The package is installed with apt-get on first use when missing.
 *
 * <p>The script ({@code promtext.py} beside this class) gets the text on stdin and writes the
 * families as JSON on stdout; {@link PythonJson} reads it. The Python parser is lax ("successful
 * parsing does not imply that the parsed text meets the specification", its documentation says):
 * it finds broken samples, metric names and label sets, not every departure from the format.
 */
public final class PromText {
    static final String PYTHON = "/usr/bin/python3";
    static final String PACKAGE = "python3-prometheus-client";
    private static final String SCRIPT = "promtext.py";
    /** The script's exit status when the parser rejects the text. */
    private static final int REJECTED = 3;
    private static final long TIMEOUT_SECONDS = 60;

    /**
     * One metric family.
     *
     * @param name    as written in its {@code # TYPE} line ({@code _total} kept, although the Python
     *                parser drops it from a counter family's name), or in its {@code # HELP} line when it
     *                has no TYPE line; a sample with neither before it is a family of its own, named as
     *                the sample
     * @param type    as written in the TYPE line: {@code counter}, {@code gauge}, {@code summary},
     *                {@code histogram} or {@code untyped}; {@code untyped} also without a TYPE line (and
     *                for a TYPE line that says {@code unknown}, which the parser takes as the same)
     * @param help    the HELP text with its escapes ({@code \\}, {@code \n}) undone; empty without a
     *                HELP line
     * @param samples in the order written
     */
    public record Family(String name, String type, String help, List<Sample> samples) {
        public Family {
            samples = List.copyOf(samples);
        }
    }

    /**
     * One sample. Its timestamp, if the line has one, is not reported.
     *
     * @param name   as written, e.g. {@code mysql_global_status_commands_total}, or a histogram's
     *               {@code _bucket}, {@code _sum}, {@code _count} sample (the parser adds {@code _total} to
     *               a counter's samples whose TYPE line lacks it; that is undone)
     * @param labels label values with their escapes ({@code \\}, {@code \"}, {@code \n}) undone, in the
     *               order written; empty without labels
     * @param value  the value; {@code NaN}, {@code +Inf} and {@code -Inf} are {@link Double#NaN} and the
     *               infinities
     */
    public record Sample(String name, Map<String, String> labels, double value) {
        public Sample {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }
    }

    private PromText() {
    }

    /**
     * Parses {@code text}.
     *
     * @return the families in the order written
     * @throws IllegalArgumentException when the parser rejects the text; the message ends with the
     *                                  parser's own, e.g. {@code ValueError: Invalid metric name: foo{a="b}}
     * @throws IllegalStateException    when Python or the package is missing and cannot be installed,
     *                                  or the script fails for another reason
     */
    public static List<Family> parse(String text) {
        if (!Interpreter.PROBLEM.isEmpty()) {
            throw new IllegalStateException(Interpreter.PROBLEM);
        }
        Result result = run(text);
        if (result.status == REJECTED) {
            throw new IllegalArgumentException("not Prometheus text format, says prometheus_client's parser: "
                    + result.stderr.strip());
        }
        if (result.status != 0) {
            throw new IllegalStateException(SCRIPT + " (run by " + PYTHON + ") exited with status " + result.status
                    + ": " + result.stderr.strip());
        }
        return families(PythonJson.parse(result.stdout));
    }

    /** Installs the package on first use; the check runs once per JVM. */
    private static final class Interpreter {
        /** Empty when the parser can be imported; otherwise why it cannot. */
        static final String PROBLEM = check();

        private static String check() {
            try {
                DebianPackage.ensure(PACKAGE, "PromText", Interpreter::canImport,
                        "Tests parse Prometheus text with the official Python client's parser, which it brings.");
                return "";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }

        private static boolean canImport() {
            if (!Files.isExecutable(Path.of(PYTHON))) {
                return false;
            }
            try {
                Process p = new ProcessBuilder(PYTHON, "-I", "-c", "import prometheus_client.parser")
                        .redirectErrorStream(true).start();
                p.getInputStream().transferTo(OutputStream.nullOutputStream());
                return p.waitFor() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private record Result(int status, String stdout, String stderr) {
    }

    private static Result run(String text) {
        Process p;
        try {
            p = new ProcessBuilder(PYTHON, "-I", "-c", script()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + PYTHON + ": " + e.getMessage(), e);
        }
        // Three streams at once: a large text would otherwise fill one pipe while this waits on another.
        CompletableFuture<Void> in = CompletableFuture.runAsync(() -> feed(p.getOutputStream(), text),
                PromText::onVirtualThread);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()),
                PromText::onVirtualThread);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()),
                PromText::onVirtualThread);
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(SCRIPT + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            in.get();
            return new Result(p.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + SCRIPT + " parsed", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("talking to " + SCRIPT + " failed: " + e.getCause().getMessage(), e);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void onVirtualThread(Runnable r) {
        Thread.ofVirtual().name("promtext-io").start(r);
    }

    private static void feed(OutputStream stdin, String text) {
        try (stdin) {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Python exited before reading everything; its status and stderr tell why.
        }
    }

    private static String drain(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String script() {
        try (InputStream in = PromText.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing beside " + PromText.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Family> families(Object json) {
        List<Family> families = new ArrayList<>();
        for (Object f : (List<?>) json) {
            Map<?, ?> family = (Map<?, ?>) f;
            List<Sample> samples = new ArrayList<>();
            for (Object s : (List<?>) family.get("samples")) {
                Map<?, ?> sample = (Map<?, ?>) s;
                Map<String, String> labels = new LinkedHashMap<>();
                ((Map<?, ?>) sample.get("labels")).forEach((k, v) -> labels.put((String) k, (String) v));
                samples.add(new Sample((String) sample.get("name"), labels, (Double) sample.get("value")));
            }
            families.add(new Family((String) family.get("name"), (String) family.get("type"),
                    (String) family.get("help"), samples));
        }
        return List.copyOf(families);
    }
}
