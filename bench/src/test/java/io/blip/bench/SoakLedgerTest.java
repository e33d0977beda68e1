package io.blip.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The soak's arithmetic on a real receiver fed real OTLP/HTTP requests: which collections count as
 * received (distinct times of a monitor, answered 200), which are of the 5 s level, and how a monitor's
 * lives, their tails, drops and MySQL-down collections reconcile.
 */
class SoakLedgerTest {
    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void countsDistinctCollectionTimesAnsweredOkAndTheirLevel() throws Exception {
        try (SoakReceiver receiver = SoakReceiver.start()) {
            assertEquals(200, send(receiver, "m1", at(1), "mysql.status.global.uptime"));
            // The same collection in a second request (a batch split in two) is one collection.
            assertEquals(200, send(receiver, "m1", at(1), "mysql.status.global.questions"));
            assertEquals(200, send(receiver, "m1", at(5), "mysql.innodb.lock_deadlocks"));
            receiver.down();
            assertEquals(503, send(receiver, "m1", at(6), "mysql.status.global.uptime"));
            receiver.up();
            assertEquals(200, send(receiver, "m2", at(6), "mysql.status.global.uptime"));
            assertTrue(receiver.awaitCounted(5, Duration.ofSeconds(10)));

            assertEquals(2, receiver.received("m1", nanos(at(0)), nanos(at(10)), false));
            assertEquals(1, receiver.received("m1", nanos(at(0)), nanos(at(10)), true));
            assertEquals(1, receiver.received("m1", nanos(at(2)), nanos(at(10)), false));
            assertEquals(1, receiver.received("m2", nanos(at(0)), nanos(at(10)), false));
            assertEquals(4, receiver.accepted());
            assertEquals(1, receiver.refused());
        }
    }

    @Test
    void reconcilesLivesTailsDropsAndCollectionsThatReachedNoMysql() throws Exception {
        try (SoakReceiver receiver = SoakReceiver.start()) {
            for (int s : new int[] {1, 2, 3, 4, 12, 21, 22, 31}) { // 31: after the last health read, not counted
                assertEquals(200, send(receiver, "m1", at(s), "mysql.status.global.uptime"));
            }
            assertTrue(receiver.awaitCounted(8, Duration.ofSeconds(10)));
            SoakLedger ledger = new SoakLedger();
            // First life: 5 collections by 10 s, one dropped; then stopped after one more collection (12 s).
            ledger.observe(new SoakApi.Health("m1", at(0), at(9), 4, 3, 0, 1, 0, 0));
            ledger.observe(new SoakApi.Health("m1", at(0), at(10), 5, 4, 0, 1, 0, 0));
            // Second life: 3 collections by 30 s, one of which reached no MySQL (logged at 25 s).
            ledger.observe(new SoakApi.Health("m1", at(20), at(30), 3, 2, 0, 0, 0, 0));

            SoakLedger.Line line = ledger.reconcile(List.of("m1"), receiver,
                    Map.of("m1", List.of(at(25), at(40)))).getFirst();

            assertEquals(new SoakLedger.Line("m1", 2, 9, 7, 1, 1, 1, 0), line);
            assertEquals(0, line.unexplained());
        }
    }

    private int send(SoakReceiver receiver, String monitor, Instant time, String metric) throws Exception {
        NumberDataPoint point = NumberDataPoint.newBuilder().setTimeUnixNano(nanos(time)).setAsDouble(1).build();
        ExportMetricsServiceRequest request = ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder()
                                .setKey("blip.monitor.id").setValue(AnyValue.newBuilder().setStringValue(monitor))))
                        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName(metric)
                                .setGauge(Gauge.newBuilder().addDataPoints(point)))))
                .build();
        HttpRequest post = HttpRequest.newBuilder(URI.create(receiver.endpoint()))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build();
        return http.send(post, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }

    private static long nanos(Instant t) {
        return SoakLedger.nanos(t);
    }
}
