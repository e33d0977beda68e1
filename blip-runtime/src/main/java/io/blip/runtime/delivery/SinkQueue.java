package io.blip.runtime.delivery;

import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Delivery;
import io.blip.api.sink.Encoder.Encoded;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.SendException;
import io.blip.api.sink.Sink;
import io.blip.api.time.Time;
import io.blip.runtime.event.Event;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The delivery of one sink configuration, shared by every monitor whose options for that sink are
 * equal, so that one send carries many monitors' collections. Each monitor has a {@link Lane}: a
 * bounded buffer ({@code buffer-size} collections, and {@code buffer-bytes} when set; when it is
 * full the oldest is dropped and counted) and the monitor's latest health, which waits after the
 * lane's collections and is replaced by the next. {@link Lane#offer} encodes on the monitor's thread
 * and returns at once.
 *
 * <p>One thread takes whole collections from all lanes in turn (each lane oldest first) into sends
 * of up to {@code batch-size} points, waiting at most {@code batch-delay} for others to join, and
 * sends them one at a time. A send that failed in a way that may pass ({@link SendException#retry},
 * or any other exception) is sent again after an exponential backoff with full jitter
 * ({@code send-retry-wait} to {@code retry-max}), or after the receiver's {@code Retry-After} when that
 * is longer, for as long as it takes: meanwhile new collections wait in the lanes. A send the
 * receiver refused for good ({@link SendException#reject}) is dropped at once and counted; each kind
 * of refusal is logged once.
 *
 * <p>When the last lane closes, what is left is sent for at most {@link #FLUSH_LIMIT} (or the
 * send timeout, if smaller); what is still not sent then is counted and reported, and the sink is closed.
 * Every wait (the batch delay, backoff, the flush) is on the {@link Time} the queue is given.
 *
 * @param <T> one collection as the sink encodes it
 */
public final class SinkQueue<T> {
    /** The most the flush at shutdown takes. */
    public static final Duration FLUSH_LIMIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(SinkQueue.class);

    private final String name;
    /** What logs call the sink: its name, and where it sends when it says. */
    private final String label;
    private final Sink<T> sink;
    private final Delivery settings;
    private final Backoff backoff;
    private final List<Lane<T>> lanes = new ArrayList<>();
    private final Time time;
    private final Thread worker;
    private final Set<String> rejectionsLogged = ConcurrentHashMap.newKeySet();
    /** Held while the sink reloads or closes, so that a reload never overlaps or follows the close. */
    private final Object reloadOrClose = new Object();
    private int nextLane;
    private int open;
    /** Collections in all lanes, and their points with the waiting health snapshots': kept as they change. */
    private int queuedCollections;
    private long queuedPoints;
    private int healthWaiting;
    private boolean closing;
    private boolean retired; // the last lane closed: the queue is closing or about to; guarded by this
    private long flushDeadline;
    /** Set when the worker has ended. */
    private boolean workerDone;
    private volatile String lastError = "";
    private volatile boolean failing;

    /**
     * @param name     what logs call the sink, e.g. {@code otlp}
     * @param sink     the sink; closed when the queue is
     * @param settings the delivery options of its configuration
     * @param time     what the batch delay, backoff and flush wait on
     */
    public SinkQueue(String name, Sink<T> sink, Delivery settings, Time time) {
        this.name = name;
        this.label = sink.describe().isEmpty() ? name : name + " (" + sink.describe() + ")";
        this.sink = sink;
        this.settings = settings;
        this.backoff = new Backoff(settings.sendRetryWait(), settings.retryMax(), RandomGenerator.getDefault());
        this.time = time;
        this.worker = Thread.ofPlatform().daemon().name("sink-" + name).unstarted(this::run);
    }

    /** One collection or health snapshot of a lane, encoded. */
    private record Item<T>(Lane<T> from, T value, int points, long bytes, boolean health) {
    }

    /**
     * One monitor's way into the queue: its encoder, its bounded buffer and its counts. Guarded by the
     * queue, but for the encoder, which only the monitor's own thread uses.
     */
    public static final class Lane<T> {
        private final SinkQueue<T> queue;
        private final String monitorId;
        private final Encoder<T> encoder;
        private final Deque<Item<T>> items = new ArrayDeque<>();
        private Item<T> health;
        private long bytes;
        private long sent;
        private long dropped;
        private long rejected;
        private long failed;
        private long retries;
        private boolean dropping;
        private boolean closed;

        private Lane(SinkQueue<T> queue, String monitorId, Encoder<T> encoder) {
            this.queue = queue;
            this.monitorId = monitorId;
            this.encoder = encoder;
        }

        /** Encodes the collection and queues it; never waits for the sink. */
        public void offer(Metrics metrics) {
            Encoded<T> encoded;
            try {
                encoded = encoder.encode(metrics);
            } catch (RuntimeException e) {
                queue.encodingFailed(this, "collection " + metrics.interval(), e);
                return;
            }
            if (encoded != null) {
                queue.enqueue(this, new Item<>(this, encoded.value(), encoded.points(), encoded.bytes(), false));
            }
        }

        /** Encodes the monitor's health and keeps it as the lane's latest, in place of one not yet sent. */
        public void offerHealth(MonitorHealth snapshot) {
            Encoded<T> encoded;
            try {
                encoded = encoder.encode(snapshot);
            } catch (RuntimeException e) {
                queue.encodingFailed(this, "health", e);
                return;
            }
            if (encoded != null) {
                queue.offerHealth(this, new Item<>(this, encoded.value(), encoded.points(), encoded.bytes(), true));
            }
        }

        /** What delivery counted for this monitor, for its health. */
        public MonitorHealth.Sink counts() {
            synchronized (queue) {
                return new MonitorHealth.Sink(queue.name, sent, items.size(), dropped, rejected, failed, retries);
            }
        }

        /** {@code ok} or the last failure, then this monitor's counts; never a secret. */
        public String status() {
            String error = queue.lastError;
            MonitorHealth.Sink c = counts();
            return (error.isEmpty() ? "ok" : "last send failed: " + error) + "; sent " + c.sent() + ", queued "
                    + c.queued() + ", dropped " + c.dropped() + " (buffer full), " + c.rejected() + " (rejected), "
                    + c.failed() + " (unsent at close), retries " + c.retries();
        }

        /**
         * Lets go of the queue: what the lane holds is sent with the rest. The last lane to close
         * flushes the queue and closes the sink, within {@code within} at most.
         */
        public void close(Duration within) {
            queue.release(this, within);
        }

        private boolean over() {
            return items.size() > queue.settings.bufferSize()
                    || (queue.settings.bufferBytes() > 0 && bytes > queue.settings.bufferBytes() && items.size() > 1);
        }

        private Item<T> poll() {
            Item<T> item = items.pollFirst();
            if (item != null) {
                bytes -= item.bytes();
            }
            return item;
        }
    }

    /**
     * A lane for the monitor, with the sink's encoder of its collections; the first starts the
     * queue's thread. Null when the queue is closing (its last lane closed): the sink is being
     * flushed and closed, and a monitor started now needs a new queue ({@link Sinks}).
     */
    public synchronized Lane<T> lane(MonitorConfig monitor) {
        if (retired || closing) {
            return null;
        }
        var lane = new Lane<>(this, monitor.id(), sink.encoder(monitor));
        lanes.add(lane);
        open++;
        if (!worker.isAlive() && !closing) {
            worker.start();
        }
        return lane;
    }

    /**
     * Tells the sink Blip reloads ({@link Sink#reload()}), on the caller's thread, unless the queue is
     * closing: its sink is closed or about to be. The queue's lock is not held meanwhile, so monitors
     * go on offering and the worker sending. A sink that throws is logged and the reload goes on.
     */
    public void reload() {
        synchronized (reloadOrClose) {
            synchronized (this) {
                if (retired || closing) {
                    return;
                }
            }
            try {
                sink.reload();
            } catch (RuntimeException e) {
                LOG.warn("sink {} failed to reload (what it read before stays in use): {}", label,
                        oneLine(describe(e)));
            }
        }
    }

    private void enqueue(Lane<T> lane, Item<T> item) {
        if (item.points() == 0) {
            return;
        }
        long droppedNow = 0;
        synchronized (this) {
            if (closing) {
                lane.failed++;
                return;
            }
            // The worker waits for a first collection, then for a full batch: wake it only for those.
            boolean wake = queuedCollections == 0 && healthWaiting == 0
                    || queuedPoints < settings.batchSize() && queuedPoints + item.points() >= settings.batchSize();
            lane.items.addLast(item);
            lane.bytes += item.bytes();
            queuedCollections++;
            queuedPoints += item.points();
            while (lane.over()) {
                taken(lane.poll());
                lane.dropped++;
                if (!lane.dropping) {
                    lane.dropping = true;
                    droppedNow = lane.dropped;
                }
            }
            if (wake) {
                notifyAll();
            }
        }
        if (droppedNow > 0) {
            LOG.warn("{}: monitor {}: sink {} is behind and the buffer of {} is full; dropping the oldest ({} dropped"
                    + " so far)", Event.LCO_METRICS_FAULT, lane.monitorId, label, settings.bufferSize() + " collections"
                    + (settings.bufferBytes() > 0 ? " or " + settings.bufferBytes() + " bytes" : ""), droppedNow);
        }
    }

    private void offerHealth(Lane<T> lane, Item<T> item) {
        if (item.points() == 0) {
            return;
        }
        synchronized (this) {
            if (closing) {
                return;
            }
            boolean wake = queuedCollections == 0 && healthWaiting == 0;
            if (lane.health != null) {
                taken(lane.health);
            }
            lane.health = item;
            healthWaiting++;
            queuedPoints += item.points();
            if (wake) {
                notifyAll();
            }
        }
    }

    private void encodingFailed(Lane<T> lane, String what, RuntimeException e) {
        synchronized (this) {
            if (!what.equals("health")) {
                lane.failed++;
            }
        }
        LOG.warn("{}: monitor {}: sink {} could not encode {}: {}", Event.SINK_INVALID_METRICS, lane.monitorId, label,
                what, oneLine(String.valueOf(e)));
    }

    private void run() {
        MDC.put("sink", name); // the worker's lines name their sink (the JSON log's sink field)
        try {
            while (true) {
                List<Item<T>> batch = nextBatch();
                if (batch.isEmpty()) {
                    return;
                }
                deliver(batch);
            }
        } catch (InterruptedException e) {
            // closing ran out of time
        } finally {
            synchronized (this) {
                workerDone = true;
                notifyAll();
            }
        }
    }

    /**
     * Waits for a full batch, the batch delay, or closing, then takes whole collections up to the
     * batch size (at least one), one from each lane in turn. Empty only when closing with nothing
     * left or no time left.
     */
    private synchronized List<Item<T>> nextBatch() throws InterruptedException {
        while (queuedCollections == 0 && healthWaiting == 0 && !closing) {
            wait();
        }
        long deadline = time.nanoTime() + settings.batchDelay().toNanos();
        while (!closing && queuedPoints < settings.batchSize() && deadline - time.nanoTime() > 0) {
            time.await(this, deadline);
        }
        List<Item<T>> batch = new ArrayList<>();
        if (closing && time.nanoTime() - flushDeadline >= 0) {
            return batch;
        }
        int points = 0;
        int start = nextLane;
        boolean took = true;
        while (took) {
            took = false;
            for (int i = 0; i < lanes.size(); i++) {
                int at = (start + i) % lanes.size();
                Lane<T> lane = lanes.get(at);
                // A lane's health goes after its collections: it describes the last of them.
                Item<T> item = lane.items.isEmpty() ? lane.health : lane.items.peekFirst();
                if (item != null && (batch.isEmpty() || points + item.points() <= settings.batchSize())) {
                    if (item.health()) {
                        lane.health = null;
                    } else {
                        lane.poll();
                    }
                    taken(item);
                    batch.add(item);
                    points += item.points();
                    took = true;
                    // The next send starts after the last lane this one took from: every monitor's
                    // backlog drains at the same pace.
                    nextLane = (at + 1) % lanes.size();
                }
            }
        }
        return batch;
    }

    /** Takes a collection or health snapshot out of the running counts. */
    private void taken(Item<T> item) {
        if (item.health()) {
            healthWaiting--;
        } else {
            queuedCollections--;
        }
        queuedPoints -= item.points();
    }

    /** Sends one batch until it is delivered, rejected, or closing has no time left for it. */
    private void deliver(List<Item<T>> batch) {
        List<T> values = new ArrayList<>(batch.size());
        Set<Lane<T>> from = new LinkedHashSet<>();
        for (Item<T> item : batch) {
            values.add(item.value());
            from.add(item.from());
        }
        for (int attempt = 0; ; attempt++) {
            Exception failure;
            try {
                sink.send(values);
                delivered(batch, from);
                return;
            } catch (Exception e) {
                failure = e;
            }
            if (failure instanceof SendException s && !s.retryable()) {
                rejected(batch, s);
                return;
            }
            String why = failure instanceof SendException ? failure.getMessage() : describe(failure);
            retrying(from, why, collections(batch));
            Duration wait = backoff.delay(attempt);
            Optional<Duration> asked = failure instanceof SendException s ? s.retryAfter() : Optional.empty();
            if (asked.isPresent() && asked.get().compareTo(wait) > 0) {
                wait = asked.get();
            }
            if (!pause(wait)) {
                giveUp(batch);
                return;
            }
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** The collections of a batch, not counting health snapshots. */
    private static <T> long collections(List<Item<T>> batch) {
        return batch.stream().filter(i -> !i.health()).count();
    }

    private void delivered(List<Item<T>> batch, Set<Lane<T>> from) {
        synchronized (this) {
            for (Item<T> item : batch) {
                if (!item.health()) {
                    item.from().sent++;
                }
            }
            from.forEach(l -> l.dropping = false);
        }
        lastError = "";
        if (failing) {
            failing = false;
            LOG.info("monitors {}: sink {} delivers again", monitors(from), label);
        }
    }

    private void rejected(List<Item<T>> batch, SendException e) {
        synchronized (this) {
            for (Item<T> item : batch) {
                if (!item.health()) {
                    item.from().rejected++;
                }
            }
        }
        lastError = oneLine(e.getMessage());
        String message = "{}: monitors {}: sink {}: the receiver refused a send ({}); its {} collections are dropped,"
                + " and so will be any other it refuses this way";
        Set<Lane<T>> from = batch.stream().map(Item::from).collect(Collectors.toCollection(LinkedHashSet::new));
        Object[] args = {Event.SINK_SERVER_ERROR, monitors(from), label, lastError, collections(batch)};
        if (rejectionsLogged.add(e.kind())) {
            LOG.error(message, args);
        } else {
            LOG.debug(message, args);
        }
    }

    private void retrying(Set<Lane<T>> from, String why, long collections) {
        synchronized (this) {
            from.forEach(l -> l.retries++);
        }
        lastError = oneLine(why);
        if (!failing) {
            failing = true;
            LOG.warn("{}: monitors {}: sink {} failed to send ({}); keeping {} collections and retrying with backoff",
                    Event.SINK_SEND_ERROR, monitors(from), label, lastError, collections);
        }
    }

    private void giveUp(List<Item<T>> batch) {
        synchronized (this) {
            for (Item<T> item : batch) {
                if (!item.health()) {
                    item.from().failed++;
                }
            }
        }
    }

    /** Waits out a backoff; false when closing leaves no time for another try. */
    private synchronized boolean pause(Duration delay) {
        long end = time.nanoTime() + delay.toNanos();
        try {
            while (true) {
                long now = time.nanoTime();
                if (closing && now - flushDeadline >= 0) {
                    return false;
                }
                long until = closing && flushDeadline - end < 0 ? flushDeadline : end;
                if (now - until >= 0) {
                    return !closing || now - flushDeadline < 0;
                }
                time.await(this, until);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A reason on one line, for status and logs (some TLS failures span several). */
    static String oneLine(String why) {
        return why == null ? "" : why.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static <T> List<String> monitors(Set<Lane<T>> from) {
        return from.stream().map(l -> l.monitorId).toList();
    }

    private void release(Lane<T> lane, Duration within) {
        boolean last;
        synchronized (this) {
            if (lane.closed) {
                return;
            }
            lane.closed = true;
            last = --open == 0;
            retired |= last; // no new lane from now on
        }
        if (last) {
            close(within);
        }
    }

    /**
     * Sends what is queued for at most {@link #FLUSH_LIMIT}, the send timeout or {@code within},
     * whichever is smallest, then closes the sink and reports what was not sent.
     */
    private void close(Duration within) {
        Duration flush = min(min(settings.sendTimeout(), FLUSH_LIMIT), within);
        synchronized (this) {
            closing = true;
            flushDeadline = time.nanoTime() + flush.toNanos();
            notifyAll();
            // The worker stops by the deadline; a moment more for a send the sink is ending.
            long end = flushDeadline + Duration.ofSeconds(1).toNanos();
            try {
                while (worker.isAlive() && !workerDone && end - time.nanoTime() > 0) {
                    time.await(this, end);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (worker.isAlive() && !workerDone) {
                worker.interrupt();
            }
        }
        long unsent = 0;
        List<String> monitors = new ArrayList<>();
        synchronized (this) {
            for (Lane<T> lane : lanes) {
                lane.failed += lane.items.size();
                lane.items.clear();
                lane.bytes = 0;
                lane.health = null;
                if (lane.failed > 0) {
                    unsent += lane.failed;
                    monitors.add(lane.monitorId);
                }
            }
            queuedCollections = 0;
            queuedPoints = 0;
            healthWaiting = 0;
        }
        if (unsent > 0) {
            try (var sinkName = MDC.putCloseable("sink", name)) {
                LOG.warn("{}: monitors {}: sink {} closed after a flush of at most {} ms; {} collections not sent",
                        Event.SINK_SEND_ERROR, monitors, label, flush.toMillis(), unsent);
            }
        }
        synchronized (reloadOrClose) { // a reload in progress ends first; none starts: retired is set
            try {
                sink.close();
            } catch (Exception e) {
                LOG.warn("sink {} did not close cleanly: {}", label, oneLine(String.valueOf(e.getMessage())));
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
