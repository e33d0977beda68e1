package io.blip.runtime.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Delivery;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.SendException;
import io.blip.api.sink.Sink;
import io.blip.testkit.LogEvents;
import io.blip.testkit.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The runtime's delivery, which every sink goes through: buffers, batching, retries, refusals,
 * health and the flush at close, against a sink that records what it is sent and answers as the
 * test says.
 */
class SinkQueueTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));

    /** A collection of monitor {@code m}, interval {@code n}, encoded as "m/n" with {@code points} points. */
    private static Metrics metrics(String monitor, long n) {
        Instant t = Instant.ofEpochSecond(1_700_000_000L + n);
        return new Metrics(monitor, "p", "l", n, t, t, Map.of());
    }

    private static MonitorHealth health(String monitor, long n) {
        Instant t = Instant.ofEpochSecond(1_700_000_000L + n);
        return new MonitorHealth(monitor, t, t, true, Map.of(), Map.of(), n, List.of());
    }

    private static Delivery options(int bufferSize, long bufferBytes, int batchSize, Duration batchDelay) {
        return new Delivery(bufferSize, bufferBytes, Duration.ofSeconds(2), Duration.ofMillis(10),
                Duration.ofMillis(40), batchSize, batchDelay);
    }

    /** Records every batch it is sent; {@link #answer} decides what each send does. */
    private static final class Recording implements Sink<String> {
        final BlockingQueue<List<String>> sent = new LinkedBlockingQueue<>();
        final List<List<String>> tries = new ArrayList<>();
        volatile Function<List<String>, Exception> answer = batch -> null;
        volatile int points = 1;
        volatile boolean closed;
        volatile int reloads;
        /** What {@link #reload} throws; null: nothing. */
        volatile RuntimeException reloadFailure;
        /** Counted down when a held send starts; {@link #release} lets held sends end. */
        final CountDownLatch taken = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        /** From now on every send waits for {@link #release}. */
        Recording hold() {
            answer = batch -> {
                taken.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            };
            return this;
        }

        @Override
        public Encoder<String> encoder(MonitorConfig monitor) {
            return new Encoder<>() {
                @Override
                public Encoded<String> encode(Metrics m) {
                    String value = m.monitorId() + "/" + m.interval();
                    return new Encoded<>(value, points, value.length() * 100L);
                }

                @Override
                public Encoded<String> encode(MonitorHealth h) {
                    return new Encoded<>(h.monitorId() + "/health" + h.skipped(), 1, 10);
                }
            };
        }

        @Override
        public void send(List<String> batch) throws Exception {
            synchronized (tries) {
                tries.add(batch);
            }
            Exception e = answer.apply(batch);
            if (e != null) {
                throw e;
            }
            sent.add(batch);
        }

        @Override
        public void reload() {
            reloads++;
            if (reloadFailure != null) {
                throw reloadFailure;
            }
        }

        @Override
        public void close() {
            closed = true;
        }

        List<String> next() throws InterruptedException {
            List<String> batch = sent.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (batch == null) {
                throw new AssertionError("nothing sent within " + WAIT);
            }
            return batch;
        }

        int tries() {
            synchronized (tries) {
                return tries.size();
            }
        }
    }

    @Test
    void aSlowSinkGetsCollectionsInOrderAndTheOldestAreDroppedWhenTheBufferIsFull() throws Exception {
        var sink = new Recording().hold();
        var queue = new SinkQueue<>("slow", sink, options(3, 0, 1, Duration.ZERO), time);
        var lane = queue.lane(MonitorConfig.of("m1"));
        lane.offer(metrics("m1", 1));
        assertTrue(sink.taken.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        LongStream.rangeClosed(2, 7).forEach(i -> lane.offer(metrics("m1", i)));
        assertEquals(3, lane.counts().dropped());
        assertEquals(3, lane.counts().queued());
        sink.release.countDown();
        lane.close(WAIT);

        assertEquals(List.of(List.of("m1/1"), List.of("m1/5"), List.of("m1/6"), List.of("m1/7")),
                new ArrayList<>(sink.sent));
        assertEquals(new MonitorHealth.Sink("slow", 4, 0, 3, 0, 0, 0), lane.counts());
        assertTrue(sink.closed, "the last lane closes the sink");
    }

    @Test
    void oneSendCarriesTheCollectionsOfManyMonitorsTakenInTurn() throws Exception {
        var sink = new Recording();
        sink.points = 10;
        var queue = new SinkQueue<>("s", sink, options(60, 0, 40, Duration.ofSeconds(5)), time);
        var a = queue.lane(MonitorConfig.of("a"));
        var b = queue.lane(MonitorConfig.of("b"));
        a.offer(metrics("a", 1));
        a.offer(metrics("a", 2));
        a.offer(metrics("a", 3));
        b.offer(metrics("b", 1));

        // 40 points make a full send at once, without waiting out the 5 s batch delay.
        assertEquals(List.of("a/1", "b/1", "a/2", "a/3"), sink.next());
        a.close(WAIT);
        b.close(WAIT);
    }

    @Test
    void aFailureThatMayPassIsRetriedAfterABackoffAndCounted() throws Exception {
        var sink = new Recording();
        sink.answer = batch -> sink.tries() <= 2 ? new java.io.IOException("connection refused") : null;
        var queue = new SinkQueue<>("flaky", sink, options(10, 0, 100, Duration.ZERO), time);
        var lane = queue.lane(MonitorConfig.of("m1"));
        lane.offer(metrics("m1", 1));
        for (int retry = 0; retry < 2; retry++) {
            time.awaitWaiters(1, WAIT); // the backoff, at most 40 ms
            time.advance(Duration.ofMillis(40));
        }

        assertEquals(List.of("m1/1"), sink.next());
        lane.close(WAIT); // counts are final once the queue is closed
        assertEquals(3, sink.tries());
        assertEquals(new MonitorHealth.Sink("flaky", 1, 0, 0, 0, 0, 2), lane.counts());
        assertTrue(lane.status().startsWith("ok; sent 1"), lane.status());
    }

    @Test
    void aRefusedSendIsDroppedAtOnceAndNotSentAgain() throws Exception {
        var sink = new Recording();
        sink.answer = batch -> batch.contains("m1/1") ? SendException.reject("HTTP 400", "HTTP 400 bad request") : null;
        var queue = new SinkQueue<>("strict", sink, options(10, 0, 1, Duration.ZERO), time);
        var lane = queue.lane(MonitorConfig.of("m1"));
        lane.offer(metrics("m1", 1));
        lane.offer(metrics("m1", 2));

        assertEquals(List.of("m1/2"), sink.next());
        lane.close(WAIT);
        assertEquals(2, sink.tries());
        assertEquals(new MonitorHealth.Sink("strict", 1, 0, 0, 1, 0, 0), lane.counts());
    }

    @Test
    void aRetryWaitsAtLeastWhatTheReceiverAsks() throws Exception {
        var sink = new Recording();
        sink.answer = batch -> sink.tries() == 1 ? SendException.retry("HTTP 503", Duration.ofMillis(300)) : null;
        var queue = new SinkQueue<>("busy", sink, options(10, 0, 100, Duration.ZERO), time);
        var lane = queue.lane(MonitorConfig.of("m1"));
        lane.offer(metrics("m1", 1));

        time.awaitWaiters(1, WAIT);
        time.advance(Duration.ofMillis(299)); // the backoff alone is at most 40 ms
        time.awaitWaiters(1, WAIT);
        assertEquals(1, sink.tries(), "not retried before the 300 ms the receiver asked");
        time.advance(Duration.ofMillis(1));
        assertEquals(List.of("m1/1"), sink.next());
        lane.close(WAIT);
    }

    @Test
    void healthGoesAfterTheCollectionsBeforeItAndOnlyTheLatestWaits() throws Exception {
        var sink = new Recording().hold();
        var queue = new SinkQueue<>("s", sink, options(10, 0, 1, Duration.ZERO), time);
        var lane = queue.lane(MonitorConfig.of("m1"));
        lane.offer(metrics("m1", 1));
        lane.offerHealth(health("m1", 1));
        lane.offer(metrics("m1", 2));
        lane.offerHealth(health("m1", 2));
        lane.offerHealth(health("m1", 3));
        sink.release.countDown();
        lane.close(WAIT);

        List<String> all = new ArrayList<>();
        sink.sent.forEach(all::addAll);
        assertTrue(List.of("m1/1", "m1/2", "m1/health3").equals(all)
                        || List.of("m1/1", "m1/health1", "m1/2", "m1/health3").equals(all),
                "collections in order, the latest health last: " + all);
        assertEquals(2, lane.counts().sent(), "health is not counted as a collection");
    }

    @Test
    void aByteBudgetDropsTheOldestPastItButKeepsTheNewest() throws Exception {
        var sink = new Recording().hold();
        // Each collection is 400 bytes ("m1/N" x 100): a 1000-byte budget holds two.
        var queue = new SinkQueue<>("s", sink, options(60, 1000, 1, Duration.ZERO), time);
        var lane = queue.lane(MonitorConfig.of("m1"));
        lane.offer(metrics("m1", 1));
        assertTrue(sink.taken.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        LongStream.rangeClosed(2, 6).forEach(i -> lane.offer(metrics("m1", i)));
        assertEquals(3, lane.counts().dropped());
        sink.release.countDown();
        lane.close(WAIT);

        List<String> all = new ArrayList<>();
        sink.sent.forEach(all::addAll);
        assertEquals(List.of("m1/1", "m1/5", "m1/6"), all);
    }

    @Test
    void closeGivesUpWithinItsBoundAndCountsWhatWasNotSent() throws Exception {
        var sink = new Recording();
        sink.answer = batch -> new java.net.ConnectException("connection refused");
        var queue = new SinkQueue<>("down", sink, options(10, 0, 100, Duration.ZERO), time);
        var lane = queue.lane(MonitorConfig.of("m1"));
        lane.offer(metrics("m1", 1));
        lane.offer(metrics("m1", 2));

        var closing = Thread.ofVirtual().start(() -> lane.close(Duration.ofMillis(300)));
        time.awaitWaiters(2, WAIT); // the sender in its backoff, and close waiting for it
        time.advance(Duration.ofMillis(300));
        assertTrue(closing.join(WAIT), "close gave up when its 300 ms were over");
        assertEquals(2, lane.counts().failed());
        assertTrue(lane.status().startsWith("last send failed: ConnectException: connection refused"),
                lane.status());
        assertTrue(sink.closed);
    }

    @Test
    void aReloadReachesALiveSinkNotAClosedOneAndASinkThatThrowsIsLoggedByName() throws Exception {
        var sink = new Recording();
        var queue = new SinkQueue<>("rec", sink, options(10, 0, 10, Duration.ZERO), time);
        var lane = queue.lane(MonitorConfig.of("m1"));
        try (var events = new LogEvents(SinkQueue.class)) {
            queue.reload();
            assertEquals(1, sink.reloads);
            sink.reloadFailure = new IllegalStateException("the key file is gone");
            queue.reload();
            assertEquals(2, sink.reloads);
            assertEquals(List.of("WARN sink rec failed to reload (what it read before stays in use):"
                    + " IllegalStateException: the key file is gone"), events.all());
        }
        lane.close(WAIT);
        assertTrue(sink.closed);
        queue.reload();
        assertEquals(2, sink.reloads, "a closed sink is not told");
    }

    @Test
    void theSinkOfAConfigurationIsMadeOnceAndSharedByItsMonitors() throws Exception {
        var sinks = new Sinks(Map.of(), Map::of, time);
        var made = new java.util.concurrent.atomic.AtomicInteger();
        io.blip.api.sink.SinkFactory factory = new io.blip.api.sink.SinkFactory() {
            @Override
            public String name() {
                return "rec";
            }

            @Override
            public String description() {
                return "records";
            }

            @Override
            public io.blip.api.config.OptionSet options() {
                return Delivery.OPTIONS;
            }

            @Override
            public Sink<?> make(io.blip.api.sink.SinkContext context) {
                made.incrementAndGet();
                return new Recording();
            }
        };
        var same = Delivery.OPTIONS.defaults("monitors[0].sinks.rec");
        var alsoSame = Delivery.OPTIONS.defaults("monitors[1].sinks.rec");
        var other = Delivery.OPTIONS.read(io.blip.api.config.OptionSet.Input.of("monitors[2].sinks.rec",
                Map.of("buffer-size", "5")));
        var a = sinks.lane("rec", factory, same, MonitorConfig.of("a"));
        var b = sinks.lane("rec", factory, alsoSame, MonitorConfig.of("b"));
        var c = sinks.lane("rec", factory, other, MonitorConfig.of("c"));

        assertEquals(2, made.get(), "one sink for a and b, whose options are equal wherever they were written");
        assertEquals(2, sinks.size());
        List.of(a, b, c).forEach(l -> l.close(WAIT));
    }
}
