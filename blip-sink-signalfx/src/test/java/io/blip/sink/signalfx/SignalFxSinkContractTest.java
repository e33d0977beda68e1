package io.blip.sink.signalfx;

import io.blip.api.Metrics;
import io.blip.api.sink.SinkFactory;
import io.blip.kit.SinkContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The signalfx sink passes the kit's sink contract against the fake SignalFx ingest API on loopback. */
class SignalFxSinkContractTest extends SinkContract {
    static final String TOKEN = "sfx-token-0123456789-SECRET";
    private FakeSignalFx sfx;

    @BeforeEach
    void start() throws Exception {
        sfx = FakeSignalFx.start(TOKEN);
    }

    @AfterEach
    void stop() {
        sfx.close();
    }

    @Override
    protected SinkFactory factory() {
        return new SignalFxSinkFactory();
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("ingest-url", sfx.url(), "auth-token", TOKEN, "send-timeout", "2s");
    }

    /** One request: each monitor's gauges, then their cumulative counters. */
    @Override
    protected void assertDelivered(List<Metrics> sent) {
        assertEquals(1, sfx.received().size(), "one request for the batch");
        List<FakeSignalFx.Point> points = sfx.delivered();
        assertEquals(List.of("gauge status.global.threads_running", "gauge size.table.bytes",
                "gauge status.global.threads_running", "gauge size.table.bytes",
                "cumulative_counter status.global.queries", "cumulative_counter status.global.queries"),
                points.stream().map(p -> p.type() + " " + p.metric()).toList());
        assertEquals(Map.of("env", "test"), points.getFirst().dimensions());
        assertEquals(Map.of("db", "d", "tbl", "t"), points.get(3).dimensions());
    }

    @Override
    protected void makeUnreachable() {
        sfx.close();
    }
}
