package io.blip.bench;

import io.blip.testkit.otlp.OtlpReceiver;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The soak's OTLP/HTTP receiver: blip-testkit's {@link OtlpReceiver}, drained twice a second so that it
 * keeps nothing, counting per monitor ({@code blip.monitor.id} of the resource) the distinct collection
 * times it was sent (a data point's time is its collection's begin) and whether the collection was
 * of the 5 s level or above (it has the default plan's InnoDB metrics; the 1 s level has none). Taken
 * down, it answers 503 with {@code Retry-After: 1}, which Blip keeps and retries; only requests
 * answered 200 count. It also keeps every distinct attribute it saw, for the secrets scan.
 */
final class SoakReceiver implements AutoCloseable {
    private static final String MONITOR_ID = "blip.monitor.id";

    private final OtlpReceiver receiver;
    private final Thread drainer;
    /** Per monitor: collection begin (epoch nanos) to whether it is of the 5 s level or above; guarded by this. */
    private final Map<String, NavigableMap<Long, Boolean>> collections = new HashMap<>();
    private final Set<String> attributes = new TreeSet<>(); // guarded by this
    private long accepted; // guarded by this
    private long refused; // guarded by this
    private volatile boolean closed;

    private SoakReceiver(OtlpReceiver receiver) {
        this.receiver = receiver;
        this.drainer = Thread.ofPlatform().daemon().name("soak-receiver").start(this::drain);
    }

    static SoakReceiver start() throws IOException {
        return new SoakReceiver(OtlpReceiver.http());
    }

    String endpoint() {
        return receiver.endpoint();
    }

    /** From now on every request is answered 503 (Retry-After: 1). */
    void down() {
        receiver.answer(OtlpReceiver.Answer.UNAVAILABLE);
    }

    void up() {
        receiver.answer(OtlpReceiver.Answer.OK);
    }

    private void drain() {
        while (!closed) {
            try {
                receiver.take(Duration.ofMillis(500)).forEach(this::count);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void count(OtlpReceiver.Received r) {
        notifyAll();
        if (r.answer() != OtlpReceiver.Answer.OK) {
            refused++;
            return;
        }
        accepted++;
        for (ResourceMetrics rm : r.request().getResourceMetricsList()) {
            String monitor = "";
            for (KeyValue kv : rm.getResource().getAttributesList()) {
                attributes.add("resource " + kv.getKey() + "=" + kv.getValue().getStringValue());
                if (kv.getKey().equals(MONITOR_ID)) {
                    monitor = kv.getValue().getStringValue();
                }
            }
            NavigableMap<Long, Boolean> seen = collections.computeIfAbsent(monitor, m -> new TreeMap<>());
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    boolean fiveSecondLevel = m.getName().contains("innodb") || m.getName().endsWith("com_begin");
                    for (NumberDataPoint p : points(m)) {
                        seen.merge(p.getTimeUnixNano(), fiveSecondLevel, Boolean::logicalOr);
                        for (KeyValue kv : p.getAttributesList()) {
                            attributes.add("point " + kv.getKey() + "=" + kv.getValue().getStringValue());
                        }
                    }
                }
            }
        }
    }

    private static List<NumberDataPoint> points(Metric m) {
        return switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsList();
            case SUM -> m.getSum().getDataPointsList();
            default -> List.of();
        };
    }

    /** Collections of {@code monitor} received with a begin in [from, to] (epoch nanos); of the 5 s level only if asked. */
    synchronized long received(String monitor, long from, long to, boolean fiveSecondLevel) {
        NavigableMap<Long, Boolean> seen = collections.get(monitor);
        if (seen == null || from > to) {
            return 0;
        }
        return seen.subMap(from, true, to, true).values().stream().filter(v -> v || !fiveSecondLevel).count();
    }

    /** Waits until {@code n} requests have been counted (answered 200 or 503); false if not within {@code timeout}. */
    synchronized boolean awaitCounted(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); accepted + refused < n && left > 0; left = deadline - System.nanoTime()) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return accepted + refused >= n;
    }

    synchronized long accepted() {
        return accepted;
    }

    synchronized long refused() {
        return refused;
    }

    synchronized List<String> attributes() {
        return new ArrayList<>(attributes);
    }

    @Override
    public void close() {
        closed = true;
        drainer.interrupt();
        receiver.close();
    }
}
