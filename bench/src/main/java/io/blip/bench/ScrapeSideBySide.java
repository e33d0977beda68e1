package io.blip.bench;

import io.blip.api.time.Time;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Scrapes side by side (issue 13): bin/blip with one monitor in {@code exporter.mode: legacy} (it
 * serves scrapes of Blip's {@code default-exporter} plan in mysqld_exporter's format and does nothing
 * else) beside the exporter with the benchmark's flags, both fresh, both scraped every second by the
 * harness as Prometheus 2.x scrapes ({@link Scraper}: the exporter at +667 ms, bin/blip at +333 ms),
 * then measured over one window: CPU per scrape (each process's threads to the nanosecond) and the
 * scrapes' latency.
 */
final class ScrapeSideBySide {
    static final long BLIP_OFFSET_MILLIS = 333;

    /**
     * @param exporterSamples {@code mysql_*} samples in the exporter's last answer
     * @param blipSamples     {@code mysql_*} samples in bin/blip's last answer
     */
    record Result(double windowSeconds, SideBySide.Figures exporter, SideBySide.Figures blip, int exporterSamples,
                  int blipSamples, long exporterFailed, long blipFailed, List<String> blipCommand,
                  List<String> onlyExporter, List<String> onlyBlip) {
    }

    private ScrapeSideBySide() {
    }

    static Result measure(Settings settings, Blip blip, Exporter exporter, MariaDbSide mariadb,
                          Map<String, String> passwords) throws IOException, InterruptedException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = blip.legacyExporter(port);
        blip.check(config);
        var out = new BlipOutput();
        try (Exporter.Running exp = exporter.start("exporter-scrape", SideBySide.EXPORTER_USER,
                passwords.get(SideBySide.EXPORTER_USER), mariadb.hostPort());
             Launched b = blip.start("blip-scrape", config, List.of(), out::stdout, out::stderr);
             Scraper exporterScraper = Scraper.start(exp.metricsUrl(), SideBySide.SCRAPE_OFFSET_MILLIS);
             Scraper blipScraper = Scraper.start("http://127.0.0.1:" + port + "/metrics", BLIP_OFFSET_MILLIS)) {
            Time.system().sleep(settings.warmup());
            exp.process().requireAlive();
            b.requireAlive();
            long start = System.nanoTime();
            Proc.ProcessCpu exporterBefore = Proc.ProcessCpu.of(exp.process().pid());
            Proc.ProcessCpu blipBefore = Proc.ProcessCpu.of(b.pid());
            Time.system().sleep(settings.window());
            Proc.ProcessCpu exporterAfter = Proc.ProcessCpu.of(exp.process().pid());
            Proc.ProcessCpu blipAfter = Proc.ProcessCpu.of(b.pid());
            long end = System.nanoTime();
            exp.process().requireAlive();
            b.requireAlive();
            List<Scraper.Scrape> exporterScrapes = exporterScraper.between(start, end);
            List<Scraper.Scrape> blipScrapes = blipScraper.between(start, end);
            return new Result((end - start) / 1e9,
                    figures(exp.process().pid(), exporterBefore.millisUntil(exporterAfter), exporterScrapes),
                    figures(b.pid(), blipBefore.millisUntil(blipAfter), blipScrapes),
                    mysqlSamples(exporterScrapes), mysqlSamples(blipScrapes),
                    exporterScrapes.stream().filter(s -> !s.ok()).count(),
                    blipScrapes.stream().filter(s -> !s.ok()).count(), b.shown(),
                    only(exporterScraper.lastSamples(), blipScraper.lastSamples()),
                    only(blipScraper.lastSamples(), exporterScraper.lastSamples()));
        }
    }

    private static SideBySide.Figures figures(long pid, double cpuMillis, List<Scraper.Scrape> scrapes) {
        return new SideBySide.Figures(pid, cpuMillis, scrapes.size(), Proc.status(pid, "VmRSS"),
                Proc.status(pid, "Threads"), scrapes.stream().map(s -> s.nanos() / 1e6).toList());
    }

    /** The {@code mysql_*} samples (name and labels) of {@code these} that {@code others} has not, sorted. */
    private static List<String> only(Map<String, String> these, Map<String, String> others) {
        return these.keySet().stream().filter(k -> k.startsWith("mysql_") && !others.containsKey(k)).sorted().toList();
    }

    private static int mysqlSamples(List<Scraper.Scrape> scrapes) {
        return scrapes.stream().filter(Scraper.Scrape::ok).reduce((x, y) -> y).map(Scraper.Scrape::mysqlSamples)
                .orElse(0);
    }
}
