package io.blip.runtime.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.Metrics;
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
}
