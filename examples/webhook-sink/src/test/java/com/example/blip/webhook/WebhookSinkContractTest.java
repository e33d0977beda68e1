package com.example.blip.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.Metrics;
import io.blip.api.sink.SinkFactory;
import io.blip.kit.HttpReceiver;
import io.blip.kit.SinkContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The webhook sink passes the kit's sink contract against a real HTTP server on loopback. */
class WebhookSinkContractTest extends SinkContract {
    private HttpReceiver receiver;

    @BeforeEach
    void startReceiver() {
        receiver = HttpReceiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Override
    protected SinkFactory factory() {
        return new WebhookSinkFactory();
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("url", receiver.url("/blip"), "token", "contract-token-s3cret", "send-timeout", "2s");
    }

    @Override
    protected void assertDelivered(List<Metrics> sent) {
        List<HttpReceiver.Request> requests = receiver.requests();
        assertEquals(1, requests.size(), "one request for the batch");
        for (Metrics m : sent) {
            assertTrue(requests.getFirst().body().contains("\"monitor\":\"" + m.monitorId() + "\""),
                    requests.getFirst().body());
        }
        assertEquals("Bearer contract-token-s3cret", requests.getFirst().header("Authorization"));
    }

    @Override
    protected void makeUnreachable() {
        receiver.close();
    }
}
