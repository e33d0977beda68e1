package io.blip.sink.otlp;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.Options;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.testkit.Reliability;
import io.blip.testkit.otlp.OtlpReceiver;
import io.blip.testkit.otlp.OtlpReceiver.Answer;
import io.blip.testkit.otlp.OtlpReceiver.Received;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

import static io.blip.sink.otlp.Lanes.WAIT;
import static io.blip.sink.otlp.TestData.at;
import static io.blip.sink.otlp.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * R17: a collection too large for one request. Over gRPC a collector refuses a message over 4 MiB
 * with RESOURCE_EXHAUSTED, which is retried, so an oversized request would be retried until Blip
 * stops: the sink keeps each request under the limit, cutting even one metric's points (a table
 * size of 120,000 tables here). Over HTTP a collector with a limit of its own answers 413: the
 * request is sent again in halves until each fits. Either way every point arrives once, and the
 * collection counts as sent.
 */
class R17OtlpOversizedTest {
    /** Tables in the big collection: one metric of this many points, several MiB. */
    private static final int TABLES = 120_000;
    private static final Map<String, String> figures = new ConcurrentSkipListMap<>();

    @Test
    void overGrpcAnOversizedCollectionGoesInRequestsUnder4MiB() throws Exception {
        try (OtlpReceiver r = OtlpReceiver.grpc(); Lanes lanes = new Lanes()) {
            SinkQueue.Lane<?> lane = lanes.lane(TestData.monitor("db1", "db1", 3306, Map.of()),
                    options("grpc", r.endpoint()));
            lane.offer(tables(TABLES));
            lane.close(WAIT);
            List<Received> got = r.received();
            List<Integer> sizes = got.stream().map(g -> g.request().getSerializedSize()).toList();
            assertTrue(sizes.stream().allMatch(s -> s < Requests.GRPC_LIMIT), "request sizes " + sizes);
            assertTrue(got.stream().allMatch(g -> g.answer() == Answer.OK), "all taken");
            assertEquals(TABLES, distinctTables(got), "every point once");
            assertEquals(TABLES, points(got), "none twice");
            assertEquals(1, lane.counts().sent());
            figure("grpc", "gRPC (collector limit 4 MiB): a collection of " + TABLES + " points ("
                    + sum(sizes) / 1024 + " KiB) went in " + got.size() + " requests of " + sizes.stream()
                    .map(s -> s / 1024 + " KiB").toList() + ", all taken, every point once");
        }
    }

    @Test
    void overHttpA413IsSentAgainInHalvesUntilEachFits() throws Exception {
        int limit = 64 * 1024;
        int tables = 2_000;
        try (OtlpReceiver r = OtlpReceiver.http().limit(limit); Lanes lanes = new Lanes()) {
            SinkQueue.Lane<?> lane = lanes.lane(TestData.monitor("db1", "db1", 3306, Map.of()),
                    options("http/protobuf", r.endpoint()));
            lane.offer(tables(tables));
            lane.close(WAIT);
            List<Received> got = r.received();
            List<Received> taken = got.stream().filter(g -> g.answer() == Answer.OK).toList();
            long refused = got.stream().filter(g -> g.answer() == Answer.TOO_LARGE).count();
            assertEquals(List.of(Answer.TOO_LARGE, Answer.OK, Answer.OK), got.stream().map(Received::answer).toList(),
                    "the whole refused, its halves taken");
            assertTrue(taken.stream().allMatch(g -> g.request().getSerializedSize() <= limit));
            assertEquals(tables, distinctTables(taken), "every point once");
            assertEquals(tables, points(taken), "none twice");
            assertEquals(1, lane.counts().sent());
            assertEquals(0, lane.counts().rejected());
            assertTrue(lane.status().startsWith("ok;"), lane.status());
            figure("http", "HTTP (a collector limit of " + limit / 1024 + " KiB): a collection of " + tables
                    + " points (" + got.getFirst().request().getSerializedSize() / 1024 + " KiB) was refused 413 "
                    + refused + " time, then taken in " + taken.size() + " requests of at most "
                    + taken.stream().mapToInt(g -> g.request().getSerializedSize()).max().orElseThrow() / 1024
                    + " KiB, every point once, counted sent; without a limit of its own a request is at most "
                    + Requests.budget("http/protobuf") * 4 / 3 / (1 << 20) + " MiB, by the sink's estimate");
        }
    }

    private static void figure(String protocol, String figure) {
        figures.put(protocol, figure);
        Reliability.figure("R17", R17OtlpOversizedTest.class, String.join("; ", figures.values()));
    }

    private static Options options(String protocol, String endpoint) {
        return TestData.options(pairs("protocol", protocol, "endpoint",
                endpoint, "health", "false", "batch-delay", "0s"));
    }

    /** A collection of {@code size.table}: one value per table. */
    private static Metrics tables(int n) {
        List<MetricValue> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(MetricValue.gauge("bytes", 16384 + i).withGroup(Map.of("db", "shop", "tbl", "t" + i)));
        }
        return at("db1", 1, 1, "size.table", values);
    }

    private static long sum(List<Integer> sizes) {
        return sizes.stream().mapToLong(s -> s).sum();
    }

    /** The points received. */
    private static long points(List<Received> got) {
        return dataPoints(got).size();
    }

    /** The distinct tables among the points received. */
    private static int distinctTables(List<Received> got) {
        Set<String> tables = new HashSet<>();
        for (var p : dataPoints(got)) {
            p.getAttributesList().stream().filter(kv -> kv.getKey().equals("tbl"))
                    .forEach(kv -> tables.add(kv.getValue().getStringValue()));
        }
        return tables.size();
    }

    private static List<io.opentelemetry.proto.metrics.v1.NumberDataPoint> dataPoints(List<Received> got) {
        return got.stream().flatMap(g -> g.request().getResourceMetricsList().stream())
                .flatMap(rm -> rm.getScopeMetricsList().stream()).flatMap(s -> s.getMetricsList().stream())
                .flatMap(m -> m.hasSum() ? m.getSum().getDataPointsList().stream()
                        : m.getGauge().getDataPointsList().stream()).toList();
    }
}
