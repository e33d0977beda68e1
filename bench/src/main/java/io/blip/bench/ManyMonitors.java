package io.blip.bench;

import io.blip.api.time.Time;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Many monitors of the one MariaDB through one bin/blip, with Blip's default plan (no plan files),
 * the noop sink and {@code --log}: how long until every monitor has connected (from the
 * {@code connected} events on stdout; the median of {@value #STARTS} starts, this machine being noisy:
 * the first {@value #STARTS}-1 stopped once all connected, the last one measured on), CPU over a
 * window after a warm-up, then the MySQL connections
 * Blip's user holds, sampled four times a second (at .100, .350, .600 and .850 past the whole second,
 * after the CPU window so that the sampling's own queries do not count in it), RSS and threads, and
 * the ticks Blip skipped (its WARN on stderr).
 */
final class ManyMonitors {
    private static final long[] SAMPLE_OFFSETS_MILLIS = {100, 350, 600, 850};
    /** How many times bin/blip is started with the many monitors; "all connected" is their median. */
    static final int STARTS = 3;

    /**
     * @param allConnectedSeconds from starting bin/blip to the last monitor's {@code connected} event, the median
     *                            of the starts; NaN if not all did in one of them
     * @param startSeconds        that figure of each start, in order (NaN for a start in which not all did)
     * @param samples             connections of Blip's user, at each sample
     */
    record Result(int monitors, int connected, double allConnectedSeconds, List<Double> startSeconds,
                  double windowSeconds, double cpuMillis,
                  double mariadbMsPerSecond, long rssKiB, long threads, long peakThreads,
                  List<MariaDbSide.Connections> samples, long skippedInWindow, long skipped, long otherProblems,
                  List<String> problemExamples, List<String> command, String loadBefore, String loadAfter) {
        double cores() {
            return cpuMillis / 1000 / windowSeconds;
        }

        /** The samples with no command of Blip's running: between collections. */
        List<MariaDbSide.Connections> between() {
            return samples.stream().filter(c -> c.active() == 0).toList();
        }

        /** The samples that caught a collection: some command of Blip's running. */
        List<MariaDbSide.Connections> collecting() {
            return samples.stream().filter(c -> c.active() > 0).toList();
        }
    }

    private ManyMonitors() {
    }

    static Result measure(Blip blip, MariaDbSide mariadb, Settings settings)
            throws IOException, InterruptedException, SQLException {
        int n = settings.monitors();
        Path config = blip.manyMonitors(n);
        String loadBefore = Proc.loadAverage();
        Time time = Time.system();
        List<Double> starts = new ArrayList<>();
        for (int i = 1; i < STARTS; i++) {
            BlipOutput out = new BlipOutput();
            long start = System.nanoTime();
            try (Launched p = blip.start("blip-many-start-" + i, config, List.of("--log"), out::stdout, out::stderr)) {
                starts.add(allConnected(out, n, start, settings));
            }
            awaitDisconnected(mariadb, time);
        }
        BlipOutput out = new BlipOutput();
        long start = System.nanoTime();
        try (Launched p = blip.start("blip-many", config, List.of("--log"), out::stdout, out::stderr)) {
            starts.add(allConnected(out, n, start, settings));
            double allSeconds = starts.stream().anyMatch(s -> s.isNaN()) ? Double.NaN : Stats.median(starts);
            time.sleep(settings.manyWarmup());
            p.requireAlive();
            long windowStart = System.nanoTime();
            long cpuBefore = Proc.cpuTicks(p.pid());
            long mariadbBefore = Proc.cpuTicks(mariadb.pid());
            long peakThreads = 0;
            long windowEnd = windowStart + settings.manyWindow().toNanos();
            while (windowEnd - System.nanoTime() > 0) {
                time.sleep(Duration.ofNanos(Math.min(1_000_000_000L, windowEnd - System.nanoTime())));
                peakThreads = Math.max(peakThreads, Proc.status(p.pid(), "Threads"));
            }
            long windowNanos = System.nanoTime() - windowStart;
            double cpuMillis = Proc.millis(Proc.cpuTicks(p.pid()) - cpuBefore);
            double mariadbMillis = Proc.millis(Proc.cpuTicks(mariadb.pid()) - mariadbBefore);
            long windowStop = System.nanoTime();
            List<MariaDbSide.Connections> samples = sampleConnections(mariadb, settings.connectionSampling());
            p.requireAlive();
            return new Result(n, out.connected().size(), allSeconds, List.copyOf(starts), windowNanos / 1e9, cpuMillis,
                    mariadbMillis / (windowNanos / 1e9), Proc.status(p.pid(), "VmRSS"), Proc.status(p.pid(), "Threads"),
                    peakThreads, samples, out.skippedBetween(windowStart, windowStop), out.skipped(),
                    out.otherProblemCount(), out.otherProblems(), p.shown(), loadBefore, Proc.loadAverage());
        }
    }

    /** Seconds from {@code start} to the last of {@code n} monitors' {@code connected} event; NaN if not all did. */
    private static double allConnected(BlipOutput out, int n, long start, Settings settings)
            throws InterruptedException {
        if (!out.awaitConnected(n, start + settings.connectLimit().toNanos())) {
            return Double.NaN;
        }
        return (out.connected().values().stream().mapToLong(t -> t).max().orElseThrow() - start) / 1e9;
    }

    /** Waits (at most 30 s) until MariaDB has closed every connection of a stopped bin/blip. */
    private static void awaitDisconnected(MariaDbSide mariadb, Time time) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (mariadb.connections(SideBySide.BLIP_USER).all() > 0 && deadline - System.nanoTime() > 0) {
            time.sleep(Duration.ofMillis(200));
        }
    }

    /** Blip's connections at each offset past every whole second, for {@code duration}. */
    private static List<MariaDbSide.Connections> sampleConnections(MariaDbSide mariadb, Duration duration)
            throws SQLException, InterruptedException {
        List<MariaDbSide.Connections> samples = new ArrayList<>();
        Time time = Time.system();
        long end = System.currentTimeMillis() + duration.toMillis();
        while (System.currentTimeMillis() < end) {
            long now = System.currentTimeMillis();
            long second = now / 1000 * 1000;
            long next = Long.MAX_VALUE;
            for (long offset : SAMPLE_OFFSETS_MILLIS) {
                for (long at : new long[] {second + offset, second + 1000 + offset}) {
                    if (at > now && at < next) {
                        next = at;
                    }
                }
            }
            time.sleep(Duration.ofMillis(next - now));
            samples.add(mariadb.connections(SideBySide.BLIP_USER));
        }
        return samples;
    }
}
