package io.blip.sink.datadog;

import com.google.gson.JsonObject;
import io.blip.api.Metrics;
import io.blip.api.sink.SinkFactory;
import io.blip.kit.SinkContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;
import java.util.Map;

import static io.blip.sink.datadog.TestData.API_KEY;
import static io.blip.sink.datadog.TestData.APP_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The datadog sink passes the kit's sink contract against the fake Datadog intake on loopback. */
class DatadogSinkContractTest extends SinkContract {
    private FakeDatadog dd;

    @BeforeEach
    void start() throws Exception {
        dd = FakeDatadog.start(API_KEY, APP_KEY);
    }

    @AfterEach
    void stop() {
        dd.close();
    }

    @Override
    protected SinkFactory factory() {
        return new DatadogSinkFactory();
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("api-url", dd.url(), "api-key-auth", API_KEY, "app-key-auth", APP_KEY, "send-timeout", "2s");
    }

    /** One request; each monitor's gauges (its counters' first values give no delta yet). */
    @Override
    protected void assertDelivered(List<Metrics> sent) {
        assertEquals(1, dd.received().size(), "one request for the batch");
        List<JsonObject> series = dd.delivered();
        assertEquals(List.of("status.global.threads_running", "size.table.bytes", "status.global.threads_running",
                "size.table.bytes"), series.stream().map(TestData::metric).toList());
        assertEquals(List.of("env:test"), TestData.tags(series.getFirst()));
    }

    @Override
    protected void makeUnreachable() {
        dd.close();
    }
}
