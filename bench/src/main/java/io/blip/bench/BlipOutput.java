package io.blip.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What bin/blip writes, read as it comes: the log sink's collections on stdout (their
 * {@code # duration: N ms} header and their metric lines), the {@code --log} events of monitors that
 * connected, and on stderr the warnings of skipped ticks and any other warning or error.
 */
final class BlipOutput {
    /** A collection the log sink printed: when the harness read its header, its duration as printed. */
    record Collection(long nanos, long durationMillis) {
    }

    private static final Pattern CONNECTED = Pattern.compile("connected: monitor (\\S+): collecting plan ");
    private static final Pattern DURATION = Pattern.compile("^# duration: (\\d+) ms$");
    private static final String TS = "# ts:";
    private static final String SKIPPED = "the last collection is still running; skipped level";
    private static final Pattern MONITOR_ID = Pattern.compile("monitor m\\d+");

    private final CompletableFuture<Long> firstMetric = new CompletableFuture<>();
    private Instant firstBegin; // the first collection's begin, as the log sink prints it; guarded by this
    private final List<Collection> collections = new ArrayList<>(); // guarded by this
    private Map<String, Integer> valuesByDomain = new TreeMap<>(); // of the collection being read; guarded by this
    private Map<String, Integer> lastValuesByDomain = Map.of(); // of the last whole collection; guarded by this
    private final Map<String, Long> connected = new LinkedHashMap<>(); // guarded by this
    private final List<Long> skipped = new ArrayList<>(); // guarded by this
    private final Set<String> otherProblems = new LinkedHashSet<>(); // guarded by this
    private long otherProblemCount; // guarded by this

    synchronized void stdout(Output.Line line) {
        String text = line.text();
        Matcher m;
        if (text.startsWith("# monitor:")) {
            if (!valuesByDomain.isEmpty()) {
                lastValuesByDomain = valuesByDomain;
            }
            valuesByDomain = new TreeMap<>();
        } else if (text.startsWith(TS) && firstBegin == null) {
            firstBegin = Instant.parse(text.substring(TS.length()).strip());
        } else if ((m = DURATION.matcher(text)).matches()) {
            collections.add(new Collection(line.nanos(), Long.parseLong(m.group(1))));
        } else if (!text.startsWith("#") && text.contains(" = ")) {
            firstMetric.complete(line.nanos());
            valuesByDomain.merge(domainOf(text), 1, Integer::sum);
        } else if ((m = CONNECTED.matcher(text)).find()) {
            connected.putIfAbsent(m.group(1), line.nanos());
            notifyAll();
        }
    }

    synchronized void stderr(Output.Line line) {
        String text = line.text();
        if (text.contains(SKIPPED)) {
            skipped.add(line.nanos());
        } else if (text.contains(" WARN ") || text.contains(" ERROR ")) {
            otherProblemCount++;
            if (otherProblems.size() < 5) {
                // One example per kind: without its time, monitor ids alike.
                String message = text.substring(Math.max(0, text.indexOf(' ') + 1));
                otherProblems.add(MONITOR_ID.matcher(message).replaceAll("monitor m…"));
            }
        }
    }

    /** The domain of a log-sink metric line: the built-in domains' names have at most one dot. */
    private static String domainOf(String metricLine) {
        String name = metricLine.substring(0, metricLine.indexOf(" = "));
        for (String domain : List.of("status.global", "var.global", "innodb", "repl")) {
            if (name.startsWith(domain + ".")) {
                return domain;
            }
        }
        return name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
    }

    /** Completes with the {@link System#nanoTime()} at which the first metric line arrived. */
    CompletableFuture<Long> firstMetric() {
        return firstMetric;
    }

    /** When the first collection the log sink printed began ({@code # ts:}), if one was printed. */
    synchronized Instant firstBegin() {
        return firstBegin;
    }

    synchronized List<Collection> collectionsBetween(long fromNanos, long toNanos) {
        return collections.stream().filter(c -> c.nanos() - fromNanos >= 0 && toNanos - c.nanos() > 0).toList();
    }

    /** Metric lines per domain in the last whole collection the log sink printed. */
    synchronized Map<String, Integer> lastValuesByDomain() {
        return lastValuesByDomain;
    }

    /** When each monitor logged that it connected, by monitor id. */
    synchronized Map<String, Long> connected() {
        return Map.copyOf(connected);
    }

    /** Waits until {@code n} monitors have connected or the deadline ({@link System#nanoTime()}) passes. */
    synchronized boolean awaitConnected(int n, long deadlineNanos) throws InterruptedException {
        while (connected.size() < n) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    synchronized long skippedBetween(long fromNanos, long toNanos) {
        return skipped.stream().filter(n -> n - fromNanos >= 0 && toNanos - n > 0).count();
    }

    synchronized long skipped() {
        return skipped.size();
    }

    synchronized long otherProblemCount() {
        return otherProblemCount;
    }

    /** Up to five kinds of the other warnings and errors, one example each. */
    synchronized List<String> otherProblems() {
        return List.copyOf(otherProblems);
    }
}
