package io.blip.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.sink.Delivery;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;
import io.blip.api.time.Time;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every sink promises, as the runtime uses it: a name and a declaration it can check the config
 * against (every option with help; the delivery options, if redeclared, of their type); one sink per
 * configuration that encodes each monitor's collections on its own and sends the collections of
 * several monitors in one batch; a failed send that throws within {@code send-timeout}; secrets that
 * never show in the sink's description or its failures.
 *
 * <pre>{@code
 * class MySinkContractTest extends SinkContract {
 *     protected SinkFactory factory() { return new MySinkFactory(); }
 *     protected Map<String, Object> options() { return Map.of("url", receiver.url()); }
 *     protected void assertDelivered(List<Metrics> sent) { assertEquals(2, receiver.requests()); }
 * }
 * }</pre>
 */
public abstract class SinkContract {
    /** Where the contract's options are written, for messages. */
    public static final String PATH = "sinks.contract";

    /** The factory under test. */
    protected abstract SinkFactory factory();

    /** Options, as written in a config, of a sink that sends to this test's receiver. */
    protected abstract Map<String, Object> options();

    /** Checks that the receiver got what was sent, after {@link Sink#send} returned. */
    protected abstract void assertDelivered(List<Metrics> sent) throws Exception;

    /**
     * Makes the receiver unreachable (stops it), for the failure path; by default the contract skips
     * that test.
     */
    protected void makeUnreachable() throws Exception {
        Assumptions.abort("the test gives no way to make the receiver unreachable");
    }

    /** Two monitors, as sinks get them. */
    protected List<MonitorConfig> monitors() {
        return List.of(MonitorConfig.of("contract-1").withTags(Map.of("env", "test")),
                MonitorConfig.of("contract-2"));
    }

    /** A collection of the monitor, with a gauge and a grouped counter. */
    protected Metrics collection(String monitorId, long interval) {
        Instant begin = Instant.parse("2026-01-02T03:04:05Z").plusSeconds(interval * 5);
        var values = new LinkedHashMap<String, List<MetricValue>>();
        values.put("status.global", List.of(MetricValue.gauge("threads_running", 3),
                MetricValue.counter("queries", 1000 + interval)));
        values.put("size.table", List.of(new MetricValue("bytes", 16384, MetricType.GAUGE,
                Map.of("db", "d", "tbl", "t"), Map.of())));
        return new Metrics(monitorId, "contract", "level", interval, begin, begin.plusMillis(3), values);
    }

    /** The sink's options, checked as the runtime checks them: its declaration and the delivery options. */
    protected final Options checkedOptions() {
        return Delivery.OPTIONS.with(factory().options()).read(OptionSet.Input.of(PATH, options()));
    }

    @Test
    void itHasANameAndADeclarationWithHelp() {
        SinkFactory factory = factory();
        assertTrue(factory.name().matches("[a-z][a-z0-9-]*"), "name '" + factory.name() + "'");
        assertFalse(factory.description().isBlank(), "description");
        for (Option option : factory.options().options()) {
            assertFalse(option.help().isBlank(), "option " + option.name() + " has no help");
        }
    }

    @Test
    void redeclaredDeliveryOptionsKeepTheirType() {
        for (Option own : factory().options().options()) {
            Delivery.OPTIONS.get(own.name()).ifPresent(delivery -> assertEquals(delivery.type(), own.type(),
                    own.name() + " is a delivery option of type " + delivery.type()));
        }
        assertNotNull(Delivery.of(checkedOptions()));
    }

    @Test
    void itEncodesEachMonitorAndSendsSeveralMonitorsInOneBatch() throws Exception {
        List<Metrics> sent = new ArrayList<>();
        try (Sink<?> sink = make()) {
            sendOneEach(sink, sent);
        }
        assertDelivered(sent);
    }

    @Test
    void aFailedSendThrowsWithinTheSendTimeout() throws Exception {
        makeUnreachable();
        Duration timeout = checkedOptions().duration("send-timeout");
        try (Sink<?> sink = make()) {
            long start = System.nanoTime();
            Exception e = assertThrows(Exception.class, () -> sendOneEach(sink, new ArrayList<>()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(timeout.plusSeconds(2)) <= 0, "failed after " + took + "; send-timeout is "
                    + timeout);
            assertSecretsNotIn(String.valueOf(e.getMessage()));
        }
    }

    @Test
    void secretsNeverShowInItsDescription() throws Exception {
        try (Sink<?> sink = make()) {
            assertSecretsNotIn(sink.toString());
        }
    }

    private Sink<?> make() throws Exception {
        Sink<?> sink = factory().make(SinkContext.of(factory().name(), checkedOptions(), Map.of(), Time.system()));
        assertNotNull(sink, "make() returned null");
        return sink;
    }

    private <T> void sendOneEach(Sink<T> sink, List<Metrics> sent) throws Exception {
        List<T> batch = new ArrayList<>();
        long interval = 1;
        for (MonitorConfig monitor : monitors()) {
            Encoder<T> encoder = sink.encoder(monitor);
            Metrics metrics = collection(monitor.id(), interval++);
            Encoder.Encoded<T> encoded = encoder.encode(metrics);
            assertNotNull(encoded, monitor.id() + ": a collection with values encodes to something");
            assertTrue(encoded.points() > 0, "points");
            batch.add(encoded.value());
            sent.add(metrics);
        }
        sink.send(batch);
    }

    /** The values of secret options must not appear in {@code text}. */
    private void assertSecretsNotIn(String text) {
        for (Option option : factory().options().options()) {
            Object value = options().get(option.name());
            if (option.secret() && value != null) {
                for (String secret : secrets(value)) {
                    assertFalse(!secret.isBlank() && text.contains(secret), option.name() + "'s value shows in: "
                            + text);
                }
            }
        }
    }

    private static List<String> secrets(Object value) {
        return switch (value) {
            case Map<?, ?> map -> map.values().stream().map(String::valueOf).toList();
            case List<?> list -> list.stream().map(String::valueOf).toList();
            default -> {
                // "key=value,key2=value2" writes a map in one line: its values are the secrets.
                List<String> out = new ArrayList<>();
                for (String entry : String.valueOf(value).split(",")) {
                    out.add(entry.contains("=") ? entry.substring(entry.indexOf('=') + 1) : entry);
                }
                yield out;
            }
        };
    }
}
