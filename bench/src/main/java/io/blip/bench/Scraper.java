package io.blip.bench;

import io.blip.api.time.Time;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Scrapes the exporter's {@code /metrics} every second, at a fixed offset past the whole second, as
 * Prometheus 2.x asks (its {@code Accept} header, gzip), one request at a time, and records each
 * scrape's latency: from sending the request to the last byte of the answer, before the harness
 * unzips and counts it.
 */
final class Scraper implements AutoCloseable {
    static final String ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
            + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /**
     * @param samples      samples in the answer (lines that are neither comments nor empty)
     * @param mysqlSamples those named {@code mysql_*} (the rest are the exporter's Go and process metrics)
     */
    record Scrape(long startNanos, long nanos, int status, int samples, int mysqlSamples, int bytes, String error) {
        boolean ok() {
            return status == 200 && error.isEmpty();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest request;
    private final long offsetMillis;
    private final List<Scrape> scrapes = new ArrayList<>(); // guarded by this
    private Map<String, String> lastSamples = Map.of(); // guarded by this
    private final Thread thread;

    private Scraper(String url, long offsetMillis) {
        this.request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Accept", ACCEPT).header("Accept-Encoding", "gzip")
                .header("X-Prometheus-Scrape-Timeout-Seconds", "10").GET().build();
        this.offsetMillis = offsetMillis;
        this.thread = Thread.ofPlatform().daemon().name("scraper").start(this::run);
    }

    /** Starts scraping at {@code offsetMillis} past each whole second. */
    static Scraper start(String url, long offsetMillis) {
        return new Scraper(url, offsetMillis);
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long now = System.currentTimeMillis();
                long next = (now - offsetMillis) / 1000 * 1000 + 1000 + offsetMillis;
                Time.system().sleep(Duration.ofMillis(Math.max(1, next - now)));
                scrapeOnce();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void scrapeOnce() throws InterruptedException {
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long nanos = System.nanoTime() - start;
            boolean gzip = response.headers().firstValue("Content-Encoding").orElse("").equals("gzip");
            byte[] body = gzip ? gunzip(response.body()) : response.body();
            Map<String, String> samples = samples(new String(body, StandardCharsets.UTF_8));
            int mysql = (int) samples.keySet().stream().filter(k -> k.startsWith("mysql_")).count();
            add(new Scrape(start, nanos, response.statusCode(), samples.size(), mysql, response.body().length, ""),
                    samples);
        } catch (IOException e) {
            add(new Scrape(start, System.nanoTime() - start, 0, 0, 0, 0, e.toString()), null);
        }
    }

    private synchronized void add(Scrape scrape, Map<String, String> samples) {
        scrapes.add(scrape);
        if (samples != null) {
            lastSamples = samples;
        }
    }

    /** The scrapes that started between the two {@link System#nanoTime()} readings. */
    synchronized List<Scrape> between(long fromNanos, long toNanos) {
        return scrapes.stream().filter(s -> s.startNanos() - fromNanos >= 0 && toNanos - s.startNanos() > 0).toList();
    }

    /** The samples of the last answer, by name with labels, e.g. {@code mysql_up}. */
    synchronized Map<String, String> lastSamples() {
        return lastSamples;
    }

    private static Map<String, String> samples(String text) {
        Map<String, String> samples = new HashMap<>();
        text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
            int space = l.lastIndexOf(' ');
            samples.put(l.substring(0, Math.max(0, space)), l.substring(space + 1));
        });
        return samples;
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        client.shutdownNow();
    }
}
