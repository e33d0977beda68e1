package io.blip.runtime.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;
import io.blip.api.sink.Sink;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SinkDeliveryTest {
    private static Metrics metrics(long interval) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(interval);
        return new Metrics("m1", "p", "l", interval, t, t, Map.of());
    }

    @Test
    void aSlowSinkGetsCollectionsInOrderAndTheOldestAreDroppedWhenTheBufferIsFull() throws Exception {
        CountDownLatch firstTaken = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> got = new CopyOnWriteArrayList<>();
        Sink slow = m -> {
            firstTaken.countDown();
            release.await();
            got.add(m.interval());
        };
        SinkDelivery delivery = new SinkDelivery("m1", "slow", slow, 3).start();
        delivery.offer(metrics(1));
        firstTaken.await(5, TimeUnit.SECONDS);
        LongStream.rangeClosed(2, 7).forEach(i -> delivery.offer(metrics(i)));
        assertEquals(3, delivery.dropped());
        assertEquals(3, delivery.queued());
        release.countDown();
        delivery.close(5, TimeUnit.SECONDS);
        assertEquals(List.of(1L, 5L, 6L, 7L), got);
        assertEquals(4, delivery.sent());
    }

    @Test
    void aFailingSendIsCountedAndDeliveryGoesOn() throws Exception {
        List<Long> got = new CopyOnWriteArrayList<>();
        Sink flaky = m -> {
            if (m.interval() == 2) {
                throw new IllegalStateException("backend said no");
            }
            got.add(m.interval());
        };
        SinkDelivery delivery = new SinkDelivery("m1", "flaky", flaky, 10).start();
        LongStream.rangeClosed(1, 3).forEach(i -> delivery.offer(metrics(i)));
        delivery.close(5, TimeUnit.SECONDS);
        assertEquals(List.of(1L, 3L), got);
        assertEquals(1, delivery.errors());
        assertEquals("ok (last error: backend said no)", delivery.status());
    }

    private static MonitorHealth health(long skipped) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new MonitorHealth("m1", t.plusSeconds(skipped), t, true, Map.of(), Map.of(), skipped, List.of());
    }

    @Test
    void healthGoesAfterTheCollectionsBeforeItAndOnlyTheLatestWaits() throws Exception {
        CountDownLatch firstTaken = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> got = new CopyOnWriteArrayList<>();
        Sink sink = new Sink() {
            @Override
            public void send(Metrics m) throws Exception {
                firstTaken.countDown();
                release.await();
                got.add("collection " + m.interval());
            }

            @Override
            public void sendHealth(MonitorHealth h) {
                got.add("health " + h.skipped());
            }
        };
        SinkDelivery delivery = new SinkDelivery("m1", "s", sink, 10).start();
        delivery.offer(metrics(1));
        firstTaken.await(5, TimeUnit.SECONDS);
        delivery.offerHealth(health(1));
        delivery.offer(metrics(2));
        delivery.offerHealth(health(2));
        delivery.offerHealth(health(3));
        assertEquals(new MonitorHealth.Sink("s", 0, 1, 0, 0), delivery.counts());
        release.countDown();
        delivery.close(5, TimeUnit.SECONDS);
        assertEquals(List.of("collection 1", "collection 2", "health 3"), got);
    }

    @Test
    void aSinkThatFailsToSendHealthStillGetsItsCollections() throws Exception {
        List<Long> got = new CopyOnWriteArrayList<>();
        Sink sink = new Sink() {
            @Override
            public void send(Metrics m) {
                got.add(m.interval());
            }

            @Override
            public void sendHealth(MonitorHealth h) {
                throw new IllegalStateException("no health here");
            }
        };
        SinkDelivery delivery = new SinkDelivery("m1", "s", sink, 10).start();
        delivery.offer(metrics(1));
        delivery.offerHealth(health(1));
        delivery.offer(metrics(2));
        delivery.close(5, TimeUnit.SECONDS);
        assertEquals(List.of(1L, 2L), got);
        assertEquals(new MonitorHealth.Sink("s", 2, 0, 0, 0), delivery.counts());
    }
}
