package io.blip.sink.chronosphere;

import io.blip.api.Metrics;
import io.blip.api.sink.SinkFactory;
import io.blip.kit.SinkContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The chronosphere sink passes the kit's sink contract against the fake collector on loopback. */
class ChronosphereSinkContractTest extends SinkContract {
    private FakeChronosphere collector;

    @BeforeEach
    void start() throws Exception {
        collector = FakeChronosphere.start();
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    @Override
    protected SinkFactory factory() {
        return new ChronosphereSinkFactory();
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("url", collector.url(), "send-timeout", "2s");
    }

    /** One request with both monitors' status.global (size.table has no translator and is left out). */
    @Override
    protected void assertDelivered(List<Metrics> sent) {
        assertEquals(1, collector.received().size(), "one request for the batch");
        List<FakeChronosphere.Point> points = collector.delivered();
        assertEquals(List.of("gauge mysql_status_threads_running {env=test}", "counter mysql_status_queries {env=test}",
                "gauge mysql_status_threads_running {}", "counter mysql_status_queries {}"),
                points.stream().map(p -> p.type() + " " + p.name() + " " + p.labels()).toList());
        assertEquals(sent.getFirst().begin(), points.getFirst().timestamp());
    }

    @Override
    protected void makeUnreachable() {
        collector.close();
    }
}
