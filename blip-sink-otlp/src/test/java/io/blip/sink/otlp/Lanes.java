package io.blip.sink.otlp;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;
import io.blip.api.time.Time;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.runtime.delivery.Sinks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Monitors sending through the otlp sink as Blip does: each monitor has a lane into the runtime's
 * delivery ({@link Sinks}: one {@link SinkQueue}, and one {@link OtlpSink}, per configuration, shared
 * by the monitors whose options are equal), and the real sink sends to a real receiver.
 *
 * <p>Tests wait for events, not by polling: for requests at the receiver ({@code OtlpReceiver.await}),
 * or, where nothing reaches a receiver (a refused connection, a failed handshake), for the sends the
 * runtime begins ({@link #awaitSends}), which the sink is watched for on its way from the factory. A
 * lane's counts follow from those: once a send has begun, every send before it is counted; once the
 * lane is closed (closing joins the sink's thread), every send is.
 */
final class Lanes implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);
    /**
     * The flush when closing what a test left open: what it did not wait for it does not need, and a
     * lane that cannot deliver would try for as long.
     */
    private static final Duration CLOSE = Duration.ofMillis(100);

    private final Sinks sinks;
    private final List<SinkQueue.Lane<?>> lanes = new ArrayList<>();
    private final Map<Options, Sends> sendsByOptions = new HashMap<>();
    private final Map<SinkQueue.Lane<?>, Sends> sendsByLane = new IdentityHashMap<>();

    /** @param domains what the sink knows of every domain (units, descriptions) */
    Lanes(Map<String, CollectorHelp> domains) {
        this(domains, Time.system());
    }

    /**
     * @param domains what the sink knows of every domain (units, descriptions)
     * @param time    what delivery waits on (batch delay, backoff, the flush): a virtual time in tests of long outages
     */
    Lanes(Map<String, CollectorHelp> domains, Time time) {
        this.sinks = new Sinks(domains, Map::of, time);
    }

    Lanes() {
        this(Map.of());
    }

    /**
     * The monitor's lane into the otlp sink of these options; the sink is made for the first lane of
     * its options, as at boot.
     */
    SinkQueue.Lane<?> lane(MonitorConfig monitor, Options options) throws Exception {
        Sends sends = sendsByOptions.computeIfAbsent(options, o -> new Sends());
        SinkQueue.Lane<?> lane = sinks.lane("otlp", watched(sends), options, monitor);
        lanes.add(lane);
        sendsByLane.put(lane, sends);
        return lane;
    }

    /** How many sinks the lanes share: one per distinct configuration. */
    int sinks() {
        return sinks.size();
    }

    /** Waits until the runtime has begun {@code count} sends on the lane's sink; fails after {@link #WAIT}. */
    void awaitSends(SinkQueue.Lane<?> lane, int count) throws InterruptedException {
        sendsByLane.get(lane).await(count);
    }

    /** Closes every lane not closed yet. */
    @Override
    public void close() {
        lanes.forEach(l -> l.close(CLOSE));
    }

    /** The otlp sink factory, its sinks watched for the sends they begin. */
    private static SinkFactory watched(Sends sends) {
        var otlp = new OtlpSinkFactory();
        return new SinkFactory() {
            @Override
            public String name() {
                return otlp.name();
            }

            @Override
            public String description() {
                return otlp.description();
            }

            @Override
            public OptionSet options() {
                return otlp.options();
            }

            @Override
            public Sink<?> make(SinkContext context) {
                return watched(otlp.make(context), sends);
            }
        };
    }

    @SuppressWarnings("try") // close() throws what the sink's close throws, as Sink declares it
    private static <T> Sink<T> watched(Sink<T> sink, Sends sends) {
        return new Sink<>() {
            @Override
            public Encoder<T> encoder(MonitorConfig monitor) {
                return sink.encoder(monitor);
            }

            @Override
            public void send(List<T> batch) throws Exception {
                sends.begin();
                sink.send(batch);
            }

            @Override
            public void close() throws Exception {
                sink.close();
            }

            @Override
            public String describe() {
                return sink.describe();
            }
        };
    }

    /** The sends begun on one sink. */
    private static final class Sends {
        private int begun;

        synchronized void begin() {
            begun++;
            notifyAll();
        }

        synchronized void await(int count) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (begun < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " sends within " + WAIT + ", got " + begun);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
