package io.blip.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bin/blip's stdout and stderr, every line written to a file (the secrets scan reads them) and its
 * events counted: by name, and per monitor the collections that reached no MySQL and have no values
 * ({@code engine-collect-error ...; no values to send}), which no sink is given. One that reached no MySQL
 * but kept the values of a domain that answered before the connection was lost is sent like any other.
 */
final class SoakOutput implements AutoCloseable {
    private static final Pattern EVENT = Pattern.compile("(?:^|\\s)([a-z]+(?:-[a-z]+)+): ");
    /** A collection that reached no MySQL and has no values: the monitor gives it to no sink. */
    private static final Pattern NO_MYSQL = Pattern.compile("engine-collect-error: monitor (\\S+): .*; no values to send$");

    private static final String SKIPPED = "the last collection is still running; skipped level";

    private final BufferedWriter stdout;
    private final BufferedWriter stderr;
    private final Map<String, Long> events = new TreeMap<>(); // guarded by this
    private final Map<String, List<Instant>> noMysql = new HashMap<>(); // guarded by this
    private final List<String> examples = new ArrayList<>(); // guarded by this
    private boolean closed; // guarded by this

    SoakOutput(Path stdoutFile, Path stderrFile) throws IOException {
        this.stdout = Files.newBufferedWriter(stdoutFile, StandardCharsets.UTF_8);
        this.stderr = Files.newBufferedWriter(stderrFile, StandardCharsets.UTF_8);
    }

    void stdout(Output.Line line) {
        take(stdout, line.text());
    }

    void stderr(Output.Line line) {
        take(stderr, line.text());
    }

    private synchronized void take(BufferedWriter file, String text) {
        if (closed) {
            return; // a line read after bin/blip was stopped and the files scanned
        }
        try {
            file.write(text);
            file.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher e = EVENT.matcher(text);
        if (e.find()) {
            String event = e.group(1);
            if (events.merge(event, 1L, Long::sum) == 1 && !event.startsWith("monitor-started")
                    && !event.equals("connected") && !event.equals("connecting") && examples.size() < 40) {
                examples.add(text.length() > 300 ? text.substring(0, 297) + "..." : text);
            }
        }
        if (text.contains(SKIPPED)) {
            events.merge("(tick skipped: the last collection still running)", 1L, Long::sum);
        }
        Matcher m = NO_MYSQL.matcher(text);
        if (m.find()) {
            String monitor = m.group(1).replaceAll(":$", "");
            noMysql.computeIfAbsent(monitor, k -> new ArrayList<>()).add(Instant.now());
        }
    }

    synchronized Map<String, Long> events() {
        return new TreeMap<>(events);
    }

    /** Per monitor, when each of its collections that reached no MySQL was logged. */
    synchronized Map<String, List<Instant>> noMysql() {
        Map<String, List<Instant>> copy = new HashMap<>();
        noMysql.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }

    /** The first line of each kind of event (connection events aside). */
    synchronized List<String> examples() {
        return List.copyOf(examples);
    }

    @Override
    public synchronized void close() throws IOException {
        // Closed twice: once for the scan, once by try-with-resources; the second does nothing.
        closed = true;
        stdout.close();
        stderr.close();
    }
}
