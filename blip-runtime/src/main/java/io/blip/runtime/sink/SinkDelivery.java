package io.blip.runtime.sink;

import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;
import io.blip.api.sink.Sink;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one monitor's collections to one sink through a bounded buffer, in interval order, on a
 * virtual thread of its own: a slow sink delays only its own buffer, never collection. When the
 * buffer is full the oldest collection is dropped and counted (Blip drops the newest; the newest is
 * what a dashboard needs). The monitor's health snapshots go through the same thread, after the
 * collections queued before them; only the latest waits (each snapshot is whole).
 */
public final class SinkDelivery implements AutoCloseable {
    public static final int DEFAULT_CAPACITY = 10;
    private static final Logger LOG = LoggerFactory.getLogger(SinkDelivery.class);

    private final String monitorId;
    private final String sinkName;
    private final Sink sink;
    private final int capacity;
    private final Deque<Metrics> buffer = new ArrayDeque<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Thread worker;
    private volatile String lastError = "";
    private MonitorHealth health;
    private boolean healthFailed;
    private boolean closing;

    public SinkDelivery(String monitorId, String sinkName, Sink sink, int capacity) {
        this.monitorId = monitorId;
        this.sinkName = sinkName;
        this.sink = sink;
        this.capacity = capacity;
        this.worker = Thread.ofVirtual().name("sink-" + sinkName + "-" + monitorId).unstarted(this::deliver);
    }

    public SinkDelivery start() {
        worker.start();
        return this;
    }

    public String sinkName() {
        return sinkName;
    }

    /** Queues a collection; never blocks. */
    public void offer(Metrics metrics) {
        Metrics droppedOne = null;
        synchronized (this) {
            if (closing) {
                return;
            }
            if (buffer.size() >= capacity) {
                droppedOne = buffer.pollFirst();
            }
            buffer.addLast(metrics);
            notifyAll();
        }
        if (droppedOne != null) {
            long n = dropped.incrementAndGet();
            LOG.warn("monitor {}: sink {} is behind; dropped collection {} of level {} ({} dropped so far)",
                    monitorId, sinkName, droppedOne.interval(), droppedOne.level(), n);
        }
    }

    /** Keeps the monitor's latest health snapshot for the sink, in place of one not yet sent; never blocks. */
    public synchronized void offerHealth(MonitorHealth snapshot) {
        if (closing) {
            return;
        }
        health = snapshot;
        notifyAll();
    }

    private void deliver() {
        while (true) {
            Metrics next;
            MonitorHealth snapshot = null;
            synchronized (this) {
                while (buffer.isEmpty() && health == null && !closing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next = buffer.pollFirst();
                if (next == null) {
                    snapshot = health;
                    health = null;
                    if (snapshot == null) {
                        return;
                    }
                }
            }
            if (snapshot != null) {
                sendHealth(snapshot);
                continue;
            }
            try {
                sink.send(next);
                sent.incrementAndGet();
            } catch (Exception e) {
                errors.incrementAndGet();
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                LOG.warn("monitor {}: sink {} failed to send collection {}: {}", monitorId, sinkName,
                        next.interval(), lastError);
            }
        }
    }

    private void sendHealth(MonitorHealth snapshot) {
        try {
            sink.sendHealth(snapshot);
            healthFailed = false;
        } catch (Exception e) {
            if (!healthFailed) {
                healthFailed = true;
                LOG.warn("monitor {}: sink {} failed to send Blip's health metrics: {} (said once until it works)",
                        monitorId, sinkName, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
    }

    /** What the runtime counted for this sink, for the monitor's health. */
    public MonitorHealth.Sink counts() {
        return new MonitorHealth.Sink(sinkName, sent(), queued(), dropped(), errors());
    }

    public long sent() {
        return sent.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long errors() {
        return errors.get();
    }

    public synchronized int queued() {
        return buffer.size();
    }

    public String status() {
        String own = sink.status();
        return lastError.isEmpty() ? own : own + " (last error: " + lastError + ")";
    }

    /**
     * Delivers what is queued, waiting at most the given time, then closes the sink.
     */
    public void close(long timeout, TimeUnit unit) {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        try {
            if (!worker.join(java.time.Duration.ofMillis(unit.toMillis(timeout)))) {
                worker.interrupt();
                LOG.warn("monitor {}: sink {} did not finish within {} ms; {} collection(s) not sent", monitorId,
                        sinkName, unit.toMillis(timeout), queued());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sink.close();
        } catch (Exception e) {
            LOG.warn("monitor {}: sink {} did not close cleanly: {}", monitorId, sinkName, e.getMessage());
        }
    }

    @Override
    public void close() {
        close(5, TimeUnit.SECONDS);
    }
}
