package io.blip.sink.otlp;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One OTLP exporter shared by every monitor whose sink has the same {@link ExporterSettings}. Sinks
 * {@link #enqueue} a collection and return at once; one thread of its own joins queued collections
 * into export requests of up to {@code batch-size} data points, waiting at most {@code batch-delay}
 * for others to join, and sends them one at a time, each bounded by {@code timeout}.
 *
 * <p>This first version sends each request once: a failed request is logged, counted and reported
 * in {@link #status()}, and its data is dropped. The queue is bounded ({@link #MAX_QUEUED_BATCHES}
 * requests' worth of points); past that the oldest collection is dropped and counted. Retry with
 * backoff and {@code Retry-After} belongs in {@link #export}, the one place a request is sent.
 */
final class SharedExporter {
    static final int MAX_QUEUED_BATCHES = 10;
    private static final Logger LOG = LoggerFactory.getLogger(SharedExporter.class);

    private final ExporterSettings settings;
    private final MetricExporter exporter;
    private final Deque<Collection> queue = new ArrayDeque<>();
    private final Thread worker;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private int queuedPoints;
    private boolean closing;
    private volatile String lastError = "";

    /** One monitor's collection: its metric data and how many points they hold. */
    record Collection(String monitorId, List<MetricData> data, int points) {
    }

    SharedExporter(ExporterSettings settings, MetricExporter exporter) {
        this.settings = settings;
        this.exporter = exporter;
        this.worker = Thread.ofPlatform().daemon().name("otlp-export " + settings.endpoint()).unstarted(this::run);
    }

    SharedExporter start() {
        worker.start();
        return this;
    }

    ExporterSettings settings() {
        return settings;
    }

    /** Queues a collection for the next request; never blocks on the network. */
    void enqueue(String monitorId, List<MetricData> data) {
        int points = data.stream().mapToInt(d -> d.getData().getPoints().size()).sum();
        if (points == 0) {
            return;
        }
        List<Collection> droppedNow = new ArrayList<>();
        synchronized (this) {
            if (closing) {
                return;
            }
            queue.addLast(new Collection(monitorId, data, points));
            queuedPoints += points;
            long limit = (long) settings.batchSize() * MAX_QUEUED_BATCHES;
            while (queuedPoints > limit && queue.size() > 1) {
                Collection old = queue.pollFirst();
                queuedPoints -= old.points();
                droppedNow.add(old);
            }
            notifyAll();
        }
        for (Collection c : droppedNow) {
            long n = dropped.incrementAndGet();
            LOG.warn("monitor {}: OTLP exporter {} is behind; dropped a collection of {} points ({} dropped so far)",
                    c.monitorId(), settings, c.points(), n);
        }
    }

    private void run() {
        while (true) {
            List<Collection> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) {
                return;
            }
            export(batch);
        }
    }

    /**
     * Waits for a full batch, the batch delay, or closing, then takes whole collections up to the batch
     * size (at least one). Empty only when closing with nothing left.
     */
    private synchronized List<Collection> nextBatch() throws InterruptedException {
        while (queue.isEmpty() && !closing) {
            wait();
        }
        long deadline = System.nanoTime() + settings.batchDelay().toNanos();
        while (!closing && queuedPoints < settings.batchSize()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        List<Collection> batch = new ArrayList<>();
        int points = 0;
        while (!queue.isEmpty() && (batch.isEmpty() || points + queue.peekFirst().points() <= settings.batchSize())) {
            Collection c = queue.pollFirst();
            points += c.points();
            queuedPoints -= c.points();
            batch.add(c);
        }
        return batch;
    }

    /** Sends one request and waits for it, never longer than the timeout (and a moment for the client). */
    private void export(List<Collection> batch) {
        List<MetricData> data = new ArrayList<>();
        Set<String> monitors = new LinkedHashSet<>();
        for (Collection c : batch) {
            data.addAll(c.data());
            monitors.add(c.monitorId());
        }
        requests.incrementAndGet();
        CompletableResultCode result;
        try {
            result = exporter.export(data);
            result.join(settings.timeout().plus(Duration.ofSeconds(1)).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            result = CompletableResultCode.ofExceptionalFailure(e);
        }
        if (result.isSuccess()) {
            lastError = "";
            return;
        }
        failed.incrementAndGet();
        Throwable t = result.getFailureThrowable();
        lastError = !result.isDone() ? "no answer within " + settings.timeout().toMillis() + " ms"
                : t == null ? "export failed" : t.getClass().getSimpleName() + ": " + t.getMessage();
        LOG.warn("monitors {}: OTLP export to {} failed, {} points dropped: {}", monitors, settings,
                data.stream().mapToInt(d -> d.getData().getPoints().size()).sum(), lastError);
    }

    /** {@code ok}, or the last failure; never a header value. */
    String status() {
        String error = lastError;
        long lost = dropped.get();
        String s = error.isEmpty() ? "ok" : "last export failed: " + error;
        return lost == 0 ? s : s + " (" + lost + " collections dropped while behind)";
    }

    long requests() {
        return requests.get();
    }

    long failed() {
        return failed.get();
    }

    /** Sends what is queued, for at most one timeout, then shuts the exporter down. */
    void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        try {
            // A dead collector must not hold up shutdown: one timeout for all that is left.
            if (!worker.join(settings.timeout().plusSeconds(1))) {
                worker.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exporter.shutdown().join(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
