package io.blip.sink.pushgateway;

import io.blip.api.Metrics;
import io.blip.api.sink.SinkFactory;
import io.blip.kit.SinkContract;
import io.blip.testkit.PromText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The prom-pushgateway sink passes the kit's sink contract against the fake Pushgateway on loopback. */
class PushgatewaySinkContractTest extends SinkContract {
    private FakePushgateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = FakePushgateway.start();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Override
    protected SinkFactory factory() {
        return new PushgatewaySinkFactory();
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("addr", gateway.url(), "send-timeout", "2s");
    }

    /** One push per monitor, to its group; status.global in Blip's names (size.table has no translator). */
    @Override
    protected void assertDelivered(List<Metrics> sent) {
        List<FakePushgateway.Received> received = gateway.received();
        assertEquals(List.of("/metrics/job/blip/monitor/contract-1", "/metrics/job/blip/monitor/contract-2"),
                received.stream().map(FakePushgateway.Received::path).toList());
        for (FakePushgateway.Received r : received) {
            assertEquals(200, r.status(), r.problem());
            Map<String, PromText.Family> families = FakePushgateway.byName(r);
            assertEquals(List.of("mysql_global_status_queries", "mysql_global_status_threads_running"),
                    List.copyOf(families.keySet()));
            assertEquals("counter", families.get("mysql_global_status_queries").type());
            assertEquals(3.0, families.get("mysql_global_status_threads_running").samples().getFirst().value());
        }
    }

    @Override
    protected void makeUnreachable() {
        gateway.close();
    }
}
