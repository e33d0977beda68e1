package io.blip.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How long and how much {@code ./dev bench vs-exporter} measures, and where it writes.
 *
 * @param runs               side-by-side runs whose CPU figures give the median (plus one run for Blip's latency)
 * @param startups           bin/blip starts timed to the first metric
 * @param connectionSampling how long Blip's connections are sampled in the many-monitors phase
 * @param connectLimit       how long the many-monitors phase waits for every monitor to connect
 */
record Settings(boolean quick, Duration warmup, Duration window, int runs, int startups, int monitors,
                Duration manyWarmup, Duration manyWindow, Duration connectionSampling, Duration connectLimit,
                Duration probeWarmup, Duration probeWindow, Path out) {
    static final Path RESULTS = Path.of("bench", "results", "vs-exporter.md");
    static final Path QUICK_RESULTS = Path.of("/tmp", "blip-bench", "vs-exporter.md");

    /** The full benchmark, or the quick one for development; any value given overrides the mode's. */
    static Settings of(boolean quick, Integer warmupSeconds, Integer windowSeconds, Integer runs, Integer startups,
                       Integer monitors, Path out) {
        int n = monitors != null ? monitors : quick ? 100 : 1000;
        return new Settings(quick,
                seconds(warmupSeconds, quick ? 10 : 60),
                seconds(windowSeconds, quick ? 10 : 60),
                runs != null ? runs : quick ? 1 : 3,
                startups != null ? startups : quick ? 2 : 5,
                n,
                Duration.ofSeconds(quick ? 10 : 30),
                seconds(windowSeconds, quick ? 10 : 60),
                Duration.ofSeconds(quick ? 5 : 20),
                Duration.ofSeconds(60).plusMillis(n * 100L),
                Duration.ofSeconds(quick ? 5 : 20),
                Duration.ofSeconds(quick ? 10 : 30),
                out != null ? out : quick ? QUICK_RESULTS : RESULTS);
    }

    private static Duration seconds(Integer given, int otherwise) {
        return Duration.ofSeconds(given != null ? given : otherwise);
    }
}
