package io.blip.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Start-up to first metric: the wall time from starting bin/blip (the one-monitor config, the log
 * sink to stdout) to the moment the harness reads the first metric line the log sink prints; one
 * bin/blip at a time, nothing else running but MariaDB. The time from the start to the begin of that
 * first collection (the {@code # ts:} the log sink prints, on the same wall clock) splits it in two.
 */
final class StartUp {
    private static final int LIMIT_SECONDS = 60;

    private StartUp() {
    }

    /**
     * Of each start, in ms.
     *
     * @param millis     to the first metric line
     * @param toFirstBegin to the begin of the collection that printed it
     */
    record Result(List<Double> millis, List<Double> toFirstBegin, List<String> command) {
    }

    static Result measure(Blip blip, int runs) throws IOException, InterruptedException {
        Path config = blip.oneMonitor("log");
        List<Double> millis = new ArrayList<>();
        List<Double> toFirstBegin = new ArrayList<>();
        List<String> command = List.of();
        for (int i = 1; i <= runs; i++) {
            BlipOutput out = new BlipOutput();
            Instant startWall = Instant.now();
            long start = System.nanoTime();
            try (Launched p = blip.start("blip-start-" + i, config, List.of(), out::stdout, out::stderr)) {
                command = p.shown();
                millis.add((firstMetric(out, p) - start) / 1e6);
                toFirstBegin.add(Duration.between(startWall, out.firstBegin()).toNanos() / 1e6);
            }
        }
        return new Result(millis, toFirstBegin, command);
    }

    private static long firstMetric(BlipOutput out, Launched p) throws InterruptedException {
        try {
            return out.firstMetric().get(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            p.requireAlive();
            throw new IllegalStateException("bin/blip printed no metric within " + LIMIT_SECONDS + " s; stderr:\n  "
                    + String.join("\n  ", p.stderr().last()));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
