package io.blip.bench;

import java.util.ArrayList;
import java.util.List;

/** What {@link Control} prints, read as it comes: one line per iteration, or an error. */
final class ControlOutput {
    private record Iteration(long nanos, double millis, long rows) {
    }

    private final List<Iteration> iterations = new ArrayList<>(); // guarded by this
    private final List<String> errors = new ArrayList<>(); // guarded by this

    /** {@code iteration <n> <microseconds> <rows>}, or anything else, which is an error. */
    synchronized void stdout(Output.Line line) {
        String[] f = line.text().split(" ");
        if (f.length == 4 && f[0].equals("iteration")) {
            iterations.add(new Iteration(line.nanos(), Long.parseLong(f[2]) / 1000.0, Long.parseLong(f[3])));
        } else {
            errors.add(line.text());
        }
    }

    /** Latencies in ms of the iterations that ended between the two {@link System#nanoTime()} readings. */
    synchronized List<Double> latenciesBetween(long fromNanos, long toNanos) {
        return iterations.stream().filter(i -> i.nanos() - fromNanos >= 0 && toNanos - i.nanos() > 0)
                .map(Iteration::millis).toList();
    }

    /** Rows the last iteration read. */
    synchronized long rows() {
        return iterations.isEmpty() ? 0 : iterations.getLast().rows();
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }
}
