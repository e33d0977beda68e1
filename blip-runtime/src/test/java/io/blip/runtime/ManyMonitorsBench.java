package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.time.Time;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many monitors in one JVM, each with Blip's default plan and the noop sink, against one embedded
 * MariaDB: what they cost the JVM (CPU, heap, RSS, platform threads) and whether collection keeps
 * its cadence. Run with {@code ./dev bench [N] [SECONDS]}; the figures go to
 * {@code bench/results/many-monitors-N.md}. Not part of {@code ./dev test}.
 */
@Tag("bench")
class ManyMonitorsBench {
    @TempDir
    Path dir;

    @Test
    void manyMonitorsKeepTheirCadence() throws Exception {
        int n = Integer.getInteger("bench.monitors", 1000);
        int seconds = Integer.getInteger("bench.seconds", 60);
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start("--max-connections=" + (n * 3 + 50),
                "--thread-cache-size=" + Math.min(n * 3, 16384))) {
            db.createUser("blip", "bench-pw", "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
            Path config = writeConfig(db, n);
            // From /proc: the test runs inside the runtime module, which does not read java.management.
            int threadsBefore = (int) procStatus("Threads:");

            Time time = Time.system();
            Server server = Server.boot(new CliOptions(config, dir.resolve("no-plugins"), false, false, false,
                    false, false, false, false, true), Map.of(), System.out, time);
            try {
                long startNanos = time.nanoTime();
                server.run();
                awaitRunning(server, Duration.ofSeconds(60));
                long startedMillis = (time.nanoTime() - startNanos) / 1_000_000;
                // Let every monitor collect its first (all-levels) tick: 15 s from the start in all.
                time.sleep(Duration.ofSeconds(15).minusMillis(startedMillis));
                long intervalsBefore = intervals(server);
                long skippedBefore = skipped(server);
                long cpuBefore = cpuNanos();
                long wallBefore = System.nanoTime();
                int peakThreads = 0;
                for (int s = 0; s < seconds; s++) {
                    time.sleep(Duration.ofSeconds(1));
                    peakThreads = Math.max(peakThreads, (int) procStatus("Threads:"));
                }
                long cpuNanos = cpuNanos() - cpuBefore;
                long wallNanos = System.nanoTime() - wallBefore;
                long collections = intervals(server) - intervalsBefore;
                long skippedTicks = skipped(server) - skippedBefore;
                int running = (int) server.monitors().stream().filter(m -> m.state() == Monitor.State.RUNNING).count();
                System.gc();
                long heapUsed = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
                long rss = procStatus("VmRSS:") * 1024;
                int mysqlConnections = threadsConnected(db);
                // Default plan: the 5 s level every 5 s (the others replace it at their ticks).
                double expected = (double) running * wallNanos / 5e9;
                String report = report(n, seconds, running, startedMillis, collections, expected, skippedTicks,
                        cpuNanos, wallNanos, heapUsed, rss, threadsBefore, peakThreads, mysqlConnections);
                Files.createDirectories(out);
                Files.writeString(out.resolve("many-monitors-" + n + ".md"), report, StandardCharsets.UTF_8);
                PrintStream console = System.out;
                console.println(report);
                assertTrue(running == n, running + " of " + n + " monitors running");
            } finally {
                server.close();
            }
        }
    }

    /** Waits until every monitor has connected and prepared its plan, or the time is up. */
    private static void awaitRunning(Server server, Duration limit) throws Exception {
        CompletableFuture<?>[] running = server.monitors().stream().map(m -> m.running().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(running).get(limit.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // The report says how many run.
        }
    }

    private Path writeConfig(EmbeddedMariaDb db, int n) throws IOException {
        StringBuilder yaml = new StringBuilder("""
                api: {disable: true}
                mysql:
                  username: blip
                  password: bench-pw
                sinks:
                  noop: {}
                monitors:
                """);
        for (int i = 0; i < n; i++) {
            yaml.append("  - id: m").append(i).append("\n    hostname: ").append(db.hostPort()).append('\n');
        }
        Path config = dir.resolve("blip.yaml");
        Files.writeString(config, yaml);
        return config;
    }

    private static long intervals(Server server) {
        return server.monitors().stream().mapToLong(m -> (Long) m.status().get("intervals")).sum();
    }

    private static long skipped(Server server) {
        return server.monitors().stream().mapToLong(m -> (Long) m.status().get("skipped")).sum();
    }

    private static int threadsConnected(EmbeddedMariaDb db) throws Exception {
        try (Connection c = db.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_connected'")) {
            rs.next();
            return rs.getInt(2);
        }
    }

    /** A number from /proc/self/status, e.g. {@code VmRSS:} (KiB) or {@code Threads:}. */
    private static long procStatus(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }

    /** This process's user + system CPU time, from /proc/self/stat (clock ticks of 10 ms). */
    private static long cpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 10_000_000L;
    }

    private static String report(int n, int seconds, int running, long startedMillis, long collections,
                                 double expected, long skippedTicks, long cpuNanos, long wallNanos, long heapUsed,
                                 long rss, int threadsBefore, int peakThreads, int mysqlConnections) {
        double cpuPercent = 100.0 * cpuNanos / wallNanos;
        List<String> rows = new ArrayList<>();
        rows.add("| monitors | " + running + " of " + n + " running |");
        rows.add("| measured | " + seconds + " s, after 15 s of warm-up (every monitor connected " + startedMillis
                + " ms after the start) |");
        rows.add(String.format(Locale.ROOT, "| collections | %d (expected about %.0f: one every 5 s per monitor) |",
                collections, expected));
        rows.add("| ticks skipped (a collection still running) | " + skippedTicks + " |");
        rows.add(String.format(Locale.ROOT, "| JVM CPU | %.1f %% of one core (%.2f ms per collection; includes the "
                + "test's own MariaDB client work) |", cpuPercent, cpuNanos / 1e6 / Math.max(1, collections)));
        rows.add(String.format(Locale.ROOT, "| heap used after GC | %.1f MiB (%.1f KiB per monitor) |",
                heapUsed / 1048576.0, heapUsed / 1024.0 / n));
        rows.add(String.format(Locale.ROOT, "| RSS | %.0f MiB |", rss / 1048576.0));
        rows.add("| JVM threads | " + threadsBefore + " before boot, peak " + peakThreads
                + " while running (platform threads; collection runs on virtual threads) |");
        rows.add("| MySQL connections | " + mysqlConnections + " (at most 3 per monitor) |");
        return "# Many monitors in one JVM\n\n"
                + "`./dev bench " + n + " " + seconds + "` on " + Instant.now() + ": JDK "
                + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, max heap " + Runtime.getRuntime().maxMemory() / 1048576 + " MiB; Blip's default-mysql plan, "
                + "noop sink, every monitor on one embedded MariaDB 10.11 on the same machine.\n\n"
                + "| what | figure |\n|---|---|\n" + String.join("\n", rows) + "\n";
    }
}
