package io.blip.sink.otlp;

import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * One OTLP exporter shared by every monitor whose sink has the same {@link ExporterSettings}. Each
 * sink has its own bounded {@link Buffer}; {@link #enqueue} adds to it and returns at once (when the
 * buffer is full, in collections or in its byte budget, its oldest collection is dropped and counted).
 * Beside it each buffer keeps the monitor's latest health metrics ({@link #offerHealth}): one snapshot,
 * replaced by the next, sent after the buffer's collections and not counted with them. One thread of its own takes whole
 * collections from all buffers in turn (each buffer oldest first) into requests of up to
 * {@code batch-size} points, waiting at most {@code batch-delay} for others to join, and sends them one
 * at a time, each bounded by {@code timeout}.
 *
 * <p>A request that failed for a reason that may pass (no answer, connection refused, HTTP 429, 502,
 * 503, 504, gRPC UNAVAILABLE, RESOURCE_EXHAUSTED, ...) is kept and sent again after an exponential
 * backoff with full jitter, for as long as it takes: meanwhile new collections wait in the buffers. A
 * request the collector rejected (any other HTTP status, gRPC INVALID_ARGUMENT, UNAUTHENTICATED, ...) is
 * dropped at once and counted; each kind of rejection is logged once. Over HTTP a retry waits at least
 * what the answer's {@code Retry-After} asks ({@link JdkHttpSender} carries it); gRPC has no such
 * header, and the exporter does not surface a status's RetryInfo details.
 *
 * <p>{@link #close} sends what is left for at most {@link #FLUSH_LIMIT} (or {@code timeout} if smaller),
 * then gives up and reports what was not sent.
 */
final class SharedExporter {
    static final Duration FLUSH_LIMIT = Duration.ofSeconds(5);
    /**
     * How long past a request's limit to wait for the exporter to end it: the exporter's own timeout
     * then says why, and an answer in that moment is not sent twice.
     */
    private static final Duration ANSWER_GRACE = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(SharedExporter.class);
    /** What the OTLP spec calls retryable for gRPC. */
    private static final Set<GrpcStatusCode> GRPC_RETRYABLE = Set.of(GrpcStatusCode.CANCELLED,
            GrpcStatusCode.DEADLINE_EXCEEDED, GrpcStatusCode.RESOURCE_EXHAUSTED, GrpcStatusCode.ABORTED,
            GrpcStatusCode.OUT_OF_RANGE, GrpcStatusCode.UNAVAILABLE, GrpcStatusCode.DATA_LOSS);
    private static final Set<Integer> HTTP_RETRYABLE = Set.of(429, 502, 503, 504);

    private final ExporterSettings settings;
    private final MetricExporter exporter;
    private final Backoff backoff;
    private final List<Buffer> buffers = new ArrayList<>();
    private final Thread worker;
    private final Set<String> rejectionsLogged = ConcurrentHashMap.newKeySet();
    private int nextBuffer;
    /** Collections in all buffers, and their points with the waiting health snapshots': kept as they change. */
    private int queuedCollections;
    private long queuedPoints;
    private int healthWaiting;
    private boolean closing;
    private long flushDeadline;
    private volatile String lastError = "";
    private volatile boolean failing;

    /**
     * One monitor's collection, or its health snapshot: its metric data, how many points they hold and
     * about how many bytes they take encoded.
     */
    record Collection(Buffer from, List<MetricData> data, int points, long bytes, boolean health) {
    }

    /**
     * What one sink's collections came to so far.
     *
     * @param sent     delivered (the collector answered OK)
     * @param queued   waiting in the buffer (not counting a request being sent)
     * @param dropped  dropped because the buffer was full (the oldest first)
     * @param rejected dropped because the collector rejected their request
     * @param unsent   still unsent when the exporter closed
     * @param retries  requests with this sink's collections sent again
     */
    record Delivery(long sent, int queued, long dropped, long rejected, long unsent, long retries) {
    }

    /** One sink's bounded queue of collections and its counters; guarded by the exporter. */
    static final class Buffer {
        private final String monitorId;
        private final int capacity;
        private final long byteBudget;
        private final Deque<Collection> queue = new ArrayDeque<>();
        private Collection health;
        private long bytes;
        private long sent;
        private long dropped;
        private long rejected;
        private long unsent;
        private long retries;
        private boolean dropping;

        private Buffer(String monitorId, int capacity, long byteBudget) {
            this.monitorId = monitorId;
            this.capacity = capacity;
            this.byteBudget = byteBudget;
        }

        private boolean over() {
            return queue.size() > capacity || (byteBudget > 0 && bytes > byteBudget && queue.size() > 1);
        }

        private Collection poll() {
            Collection c = queue.pollFirst();
            if (c != null) {
                bytes -= c.bytes();
            }
            return c;
        }

        String monitorId() {
            return monitorId;
        }
    }

    SharedExporter(ExporterSettings settings, MetricExporter exporter) {
        this(settings, exporter, new Backoff(settings.retryInitial(), settings.retryMax(), RandomGenerator.getDefault()));
    }

    SharedExporter(ExporterSettings settings, MetricExporter exporter, Backoff backoff) {
        this.settings = settings;
        this.exporter = exporter;
        this.backoff = backoff;
        this.worker = Thread.ofPlatform().daemon().name("otlp-export " + settings.endpoint()).unstarted(this::run);
    }

    SharedExporter start() {
        worker.start();
        return this;
    }

    ExporterSettings settings() {
        return settings;
    }

    /**
     * A buffer of at most {@code capacity} collections and, when {@code byteBudget} is more than 0, at
     * most that many bytes (estimated encoded size; the newest collection is always kept) for one sink;
     * it stays until the exporter closes.
     */
    synchronized Buffer buffer(String monitorId, int capacity, long byteBudget) {
        var b = new Buffer(monitorId, capacity, byteBudget);
        buffers.add(b);
        return b;
    }

    /** Queues a collection in the sink's buffer; never blocks on the network. */
    void enqueue(Buffer buffer, List<MetricData> data) {
        int points = points(data);
        if (points == 0) {
            return;
        }
        long bytes = EncodedSize.of(data);
        long droppedNow = 0;
        synchronized (this) {
            if (closing) {
                buffer.unsent++;
                return;
            }
            // The worker waits for a first collection, then for a full batch: wake it only for those.
            boolean wake = queuedCollections == 0 && healthWaiting == 0
                    || queuedPoints < settings.batchSize() && queuedPoints + points >= settings.batchSize();
            buffer.queue.addLast(new Collection(buffer, data, points, bytes, false));
            buffer.bytes += bytes;
            queuedCollections++;
            queuedPoints += points;
            while (buffer.over()) {
                taken(buffer.poll());
                buffer.dropped++;
                if (!buffer.dropping) {
                    buffer.dropping = true;
                    droppedNow = buffer.dropped;
                }
            }
            if (wake) {
                notifyAll();
            }
        }
        if (droppedNow > 0) {
            LOG.warn("monitor {}: OTLP exporter {} is behind and the buffer of {} is full; dropping the oldest "
                    + "({} dropped so far)", buffer.monitorId, settings, buffer.capacity + " collections"
                    + (buffer.byteBudget > 0 ? " or " + buffer.byteBudget + " bytes" : ""), droppedNow);
        }
    }

    /** Keeps the monitor's latest health metrics, in place of a snapshot not yet taken; never blocks. */
    void offerHealth(Buffer buffer, List<MetricData> data) {
        int points = points(data);
        if (points == 0) {
            return;
        }
        synchronized (this) {
            if (closing) {
                return;
            }
            boolean wake = queuedCollections == 0 && healthWaiting == 0;
            if (buffer.health != null) {
                taken(buffer.health);
            }
            buffer.health = new Collection(buffer, data, points, EncodedSize.of(data), true);
            healthWaiting++;
            queuedPoints += points;
            if (wake) {
                notifyAll();
            }
        }
    }

    /** The collections of a batch, not counting health snapshots. */
    private static long collections(List<Collection> batch) {
        return batch.stream().filter(c -> !c.health()).count();
    }

    private static int points(List<MetricData> data) {
        return data.stream().mapToInt(d -> d.getData().getPoints().size()).sum();
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
            deliver(batch);
        }
    }

    /**
     * Waits for a full batch, the batch delay, or closing, then takes whole collections up to the batch
     * size (at least one), one from each buffer in turn. Empty only when closing with nothing left or
     * no time left.
     */
    private synchronized List<Collection> nextBatch() throws InterruptedException {
        while (queued() == 0 && !healthWaiting() && !closing) {
            wait();
        }
        long deadline = System.nanoTime() + settings.batchDelay().toNanos();
        while (!closing && queuedPoints() < settings.batchSize()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        List<Collection> batch = new ArrayList<>();
        if (closing && System.nanoTime() - flushDeadline >= 0) {
            return batch;
        }
        int points = 0;
        int start = nextBuffer;
        boolean took = true;
        while (took) {
            took = false;
            for (int i = 0; i < buffers.size(); i++) {
                int at = (start + i) % buffers.size();
                Buffer b = buffers.get(at);
                // A buffer's health goes after its collections: it describes the last of them.
                Collection c = b.queue.isEmpty() ? b.health : b.queue.peekFirst();
                if (c != null && (batch.isEmpty() || points + c.points() <= settings.batchSize())) {
                    if (c.health()) {
                        b.health = null;
                    } else {
                        b.poll();
                    }
                    taken(c);
                    batch.add(c);
                    points += c.points();
                    took = true;
                    // The next request starts after the last buffer this one took from: every
                    // monitor's backlog drains at the same pace.
                    nextBuffer = (at + 1) % buffers.size();
                }
            }
        }
        return batch;
    }

    /** Takes a collection or health snapshot out of the running counts. */
    private void taken(Collection c) {
        if (c.health()) {
            healthWaiting--;
        } else {
            queuedCollections--;
        }
        queuedPoints -= c.points();
    }

    private int queued() {
        return queuedCollections;
    }

    private boolean healthWaiting() {
        return healthWaiting > 0;
    }

    private long queuedPoints() {
        return queuedPoints;
    }

    /** The outcome of one request. */
    sealed interface Outcome {
        record Sent() implements Outcome {
        }

        /** Not delivered, but it may be next time; not before {@code retryAfter} if the collector said so. */
        record Retry(String why, Optional<Duration> retryAfter) implements Outcome {
            public Retry {
                why = oneLine(why);
            }

            Retry(String why) {
                this(why, Optional.empty());
            }
        }

        /** The collector will never take it: {@code kind} names the rejection, for logging once. */
        record Rejected(String kind, String why) implements Outcome {
            public Rejected {
                why = oneLine(why);
            }
        }
    }

    /** A reason on one line, for status and logs (some TLS failures span several). */
    static String oneLine(String why) {
        return why == null ? "" : why.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Sends one batch until it is delivered, rejected, or closing has no time left for it. */
    private void deliver(List<Collection> batch) {
        List<MetricData> data = new ArrayList<>();
        Set<Buffer> from = new LinkedHashSet<>();
        for (Collection c : batch) {
            data.addAll(c.data());
            from.add(c.from());
        }
        for (int attempt = 0; ; attempt++) {
            Duration limit = requestLimit();
            if (limit.isZero()) {
                giveUp(batch);
                return;
            }
            switch (send(data, limit)) {
                case Outcome.Sent s -> {
                    delivered(batch, from);
                    return;
                }
                case Outcome.Rejected r -> {
                    rejected(batch, r);
                    return;
                }
                case Outcome.Retry r -> {
                    retrying(from, r, collections(batch));
                    Duration wait = backoff.delay(attempt);
                    if (r.retryAfter().isPresent() && r.retryAfter().get().compareTo(wait) > 0) {
                        wait = r.retryAfter().get();
                    }
                    if (!pause(wait)) {
                        giveUp(batch);
                        return;
                    }
                }
            }
        }
    }

    /** The timeout, or what is left of the flush when closing; zero when nothing is left. */
    private synchronized Duration requestLimit() {
        if (!closing) {
            return settings.timeout();
        }
        long left = flushDeadline - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(Math.min(left, settings.timeout().toNanos()));
    }

    private Outcome send(List<MetricData> data, Duration limit) {
        CompletableResultCode result;
        try {
            result = exporter.export(data);
            // The exporter's own timeout ends the request; a moment more lets it say so (not when the
            // flush at close leaves less than the timeout: then the flush's end is the end).
            long wait = limit.compareTo(settings.timeout()) < 0 ? limit.toMillis()
                    : limit.toMillis() + ANSWER_GRACE.toMillis();
            result.join(wait, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return new Outcome.Retry(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (!result.isDone()) {
            return new Outcome.Retry("no answer within " + limit.toMillis() + " ms");
        }
        return result.isSuccess() ? new Outcome.Sent() : outcome(result.getFailureThrowable());
    }

    /** Sorts a failure into retry or rejection by the HTTP status or gRPC status the collector answered. */
    static Outcome outcome(Throwable t) {
        if (t instanceof FailedExportException.HttpExportException h && h.failedWithResponse()) {
            int code = h.getResponse().getStatusCode();
            String message = h.getResponse().getStatusMessage();
            String why = "HTTP " + code + (message == null || message.isEmpty() ? "" : " " + message);
            Optional<Duration> after = h.getResponse() instanceof JdkHttpSender.Response r
                    ? r.retryAfter() : Optional.empty();
            return HTTP_RETRYABLE.contains(code) ? new Outcome.Retry(why, after)
                    : new Outcome.Rejected("HTTP " + code, why);
        }
        if (t instanceof FailedExportException.GrpcExportException g && g.failedWithResponse()) {
            GrpcStatusCode code = g.getResponse().getStatusCode();
            String description = g.getResponse().getStatusDescription();
            String why = "gRPC " + code + (description == null || description.isEmpty() ? "" : " " + description);
            return GRPC_RETRYABLE.contains(code) ? new Outcome.Retry(why) : new Outcome.Rejected("gRPC " + code, why);
        }
        Throwable cause = t instanceof FailedExportException && t.getCause() != null ? t.getCause() : t;
        return new Outcome.Retry(cause == null ? "export failed"
                : cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    private void delivered(List<Collection> batch, Set<Buffer> from) {
        synchronized (this) {
            for (Collection c : batch) {
                if (!c.health()) {
                    c.from().sent++;
                }
            }
            from.forEach(b -> b.dropping = false);
        }
        lastError = "";
        if (failing) {
            failing = false;
            LOG.info("monitors {}: OTLP exporter {} delivers again", monitors(from), settings);
        }
    }

    private void rejected(List<Collection> batch, Outcome.Rejected r) {
        synchronized (this) {
            for (Collection c : batch) {
                if (!c.health()) {
                    c.from().rejected++;
                }
            }
        }
        lastError = r.why();
        String message = "OTLP exporter {}: the collector rejected a request ({}); its {} collections are "
                + "dropped, and so will be any other it rejects this way";
        if (rejectionsLogged.add(r.kind())) {
            LOG.error(message, settings, r.why(), collections(batch));
        } else {
            LOG.debug(message, settings, r.why(), collections(batch));
        }
    }

    private void retrying(Set<Buffer> from, Outcome.Retry r, long collections) {
        synchronized (this) {
            from.forEach(b -> b.retries++);
        }
        lastError = r.why();
        if (!failing) {
            failing = true;
            LOG.warn("monitors {}: OTLP export to {} failed ({}); keeping {} collections and retrying with backoff",
                    monitors(from), settings, r.why(), collections);
        }
    }

    private void giveUp(List<Collection> batch) {
        synchronized (this) {
            for (Collection c : batch) {
                if (!c.health()) {
                    c.from().unsent++;
                }
            }
        }
    }

    /** Waits out a backoff; false when closing leaves no time for another try. */
    private synchronized boolean pause(Duration delay) {
        long end = System.nanoTime() + delay.toNanos();
        try {
            while (true) {
                long now = System.nanoTime();
                if (closing && now - flushDeadline >= 0) {
                    return false;
                }
                long until = closing && flushDeadline - end < 0 ? flushDeadline : end;
                if (now - until >= 0) {
                    return !closing || now - flushDeadline < 0;
                }
                TimeUnit.NANOSECONDS.timedWait(this, until - now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> monitors(Set<Buffer> from) {
        return from.stream().map(Buffer::monitorId).toList();
    }

    /** A sink's counters. */
    synchronized Delivery delivery(Buffer b) {
        return new Delivery(b.sent, b.queue.size(), b.dropped, b.rejected, b.unsent, b.retries);
    }

    /** {@code ok} or the last failure, then the sink's counters; never a header value. */
    String status(Buffer b) {
        String error = lastError;
        Delivery d = delivery(b);
        return (error.isEmpty() ? "ok" : "last export failed: " + error)
                + "; sent " + d.sent() + ", queued " + d.queued() + ", dropped " + d.dropped() + " (buffer full), "
                + d.rejected() + " (rejected), " + d.unsent() + " (unsent at close), retries " + d.retries();
    }

    /**
     * Sends what is queued for at most {@link #FLUSH_LIMIT} or the timeout, whichever is smaller, then
     * shuts the exporter down and reports what was not sent.
     */
    void close() {
        Duration flush = settings.timeout().compareTo(FLUSH_LIMIT) < 0 ? settings.timeout() : FLUSH_LIMIT;
        synchronized (this) {
            closing = true;
            flushDeadline = System.nanoTime() + flush.toNanos();
            notifyAll();
        }
        try {
            // The worker stops by the deadline; a moment more for a request the exporter is ending.
            if (!worker.join(flush.plusSeconds(1))) {
                worker.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long unsent = 0;
        List<String> monitors = new ArrayList<>();
        synchronized (this) {
            for (Buffer b : buffers) {
                b.unsent += b.queue.size();
                b.queue.clear();
                b.bytes = 0;
                b.health = null;
                queuedCollections = 0;
                queuedPoints = 0;
                healthWaiting = 0;
                if (b.unsent > 0) {
                    unsent += b.unsent;
                    monitors.add(b.monitorId);
                }
            }
        }
        if (unsent > 0) {
            LOG.warn("monitors {}: OTLP exporter {} closed after a flush of at most {} ms; {} collections not sent",
                    monitors, settings, flush.toMillis(), unsent);
        }
        exporter.shutdown().join(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
