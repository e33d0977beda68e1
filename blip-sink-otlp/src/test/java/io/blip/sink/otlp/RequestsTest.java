package io.blip.sink.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a send's metric data is cut into requests: in order, under the budget, a metric's shape kept. */
class RequestsTest {
    private static List<DoublePointData> points(String table, int n) {
        return IntStream.range(0, n).mapToObj(i -> DoublePointData.create(1L, 2L,
                Attributes.builder().put("tbl", table + i).build(), (double) i, List.of())).toList();
    }

    private static MetricData gauge(String name, int points) {
        return new BlipMetricData(Resource.empty(), MetricMapper.SCOPE, name, "", "By", MetricDataType.DOUBLE_GAUGE,
                GaugeData.createDoubleGaugeData(points(name, points)));
    }

    private static List<PointData> all(List<List<MetricData>> requests) {
        return requests.stream().flatMap(List::stream).flatMap(d -> d.getData().getPoints().stream())
                .map(p -> (PointData) p).toList();
    }

    @Test
    void requestsKeepTheOrderAndStayUnderTheBudget() {
        List<MetricData> data = List.of(gauge("a", 300), gauge("b", 10), gauge("c", 300));
        long budget = EncodedSize.of(data) / 5;
        List<List<MetricData>> requests = Requests.split(data, budget);
        assertTrue(requests.size() >= 5, "requests: " + requests.size());
        assertTrue(requests.stream().allMatch(r -> EncodedSize.of(r) <= budget));
        assertEquals(data.stream().flatMap(d -> d.getData().getPoints().stream()).map(p -> (PointData) p).toList(),
                all(requests), "every point once, in order");
        assertEquals(List.of(data), Requests.split(data, Long.MAX_VALUE), "one request when it fits");
    }

    @Test
    void aCutSumKeepsItsNameMonotonicityAndTemporality() {
        MetricData sum = new BlipMetricData(Resource.empty(), MetricMapper.SCOPE, "s", "d", "1",
                MetricDataType.DOUBLE_SUM, SumData.createDoubleSumData(true, AggregationTemporality.DELTA,
                        points("s", 100)));
        List<List<MetricData>> requests = Requests.split(List.of(sum), EncodedSize.of(List.of(sum)) / 3);
        assertTrue(requests.size() >= 3);
        for (List<MetricData> r : requests) {
            MetricData piece = r.getFirst();
            assertEquals(List.of("s", "d", "1"), List.of(piece.getName(), piece.getDescription(), piece.getUnit()));
            SumData<?> data = (SumData<?>) piece.getData();
            assertTrue(data.isMonotonic());
            assertEquals(AggregationTemporality.DELTA, data.getAggregationTemporality());
        }
        assertEquals(100, all(requests).size());
    }

    @Test
    void halvesAreTwoAndOnePointStaysWhole() {
        List<MetricData> request = List.of(gauge("a", 101));
        List<List<MetricData>> halves = Requests.halve(request);
        assertEquals(2, halves.size());
        assertEquals(101, all(halves).size());
        List<MetricData> one = List.of(gauge("b", 1));
        assertEquals(List.of(one), Requests.halve(one));
    }
}
