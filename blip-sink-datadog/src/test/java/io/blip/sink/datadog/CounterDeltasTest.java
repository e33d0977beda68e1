package io.blip.sink.datadog;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.sink.CounterDeltas;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.blip.sink.datadog.TestData.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** blip-api's {@link CounterDeltas}: Blip's delta sink as a helper any sink's encoder keeps. */
class CounterDeltasTest {

    private static MetricValue counter(String name, double value, Map<String, String> group) {
        return new MetricValue(name, value, MetricType.CUMULATIVE_COUNTER, group, Map.of());
    }

    private static Metrics queries(long n, double value) {
        return at("db1", n, n, "status.global", List.of(MetricValue.counter("queries", value)));
    }

    private static List<MetricValue> values(Metrics m, String domain) {
        return m.values().get(domain);
    }

    @Test
    void theFirstValueOfASeriesIsDroppedAndThenEachIsTheChangeAsADeltaCounter() {
        var deltas = new CounterDeltas();
        assertEquals(List.of(), values(deltas.apply(queries(1, 100)), "status.global"));
        List<MetricValue> second = values(deltas.apply(queries(2, 130)), "status.global");
        assertEquals(List.of(new MetricValue("queries", 30, MetricType.DELTA_COUNTER, Map.of(), Map.of())), second);
        assertEquals(0, values(deltas.apply(queries(3, 130)), "status.global").getFirst().value(), "no change: 0");
        assertEquals(1, deltas.series());
    }

    @Test
    void aValueBelowThePreviousIsAResetAndIsDroppedThenCountingResumesFromIt() {
        var deltas = new CounterDeltas();
        deltas.apply(queries(1, 500));
        assertEquals(List.of(), values(deltas.apply(queries(2, 20)), "status.global"), "restart: no delta");
        assertEquals(5, values(deltas.apply(queries(3, 25)), "status.global").getFirst().value());
    }

    @Test
    void eachDomainMetricAndGroupIsItsOwnSeries() {
        var deltas = new CounterDeltas();
        Metrics first = at("db1", 1, 1,
                "wait.io.table", List.of(counter("count_star", 10, Map.of("db", "a", "tbl", "t")),
                        counter("count_star", 100, Map.of("db", "b", "tbl", "t"))),
                "status.global", List.of(counter("count_star", 1000, Map.of())));
        Metrics second = at("db1", 2, 2,
                "wait.io.table", List.of(counter("count_star", 11, Map.of("db", "a", "tbl", "t")),
                        counter("count_star", 150, Map.of("db", "b", "tbl", "t"))),
                "status.global", List.of(counter("count_star", 1003, Map.of())));
        deltas.apply(first);
        Metrics out = deltas.apply(second);
        assertEquals(List.of(1.0, 50.0), values(out, "wait.io.table").stream().map(MetricValue::value).toList());
        assertEquals(Map.of("db", "b", "tbl", "t"), values(out, "wait.io.table").get(1).group());
        assertEquals(3.0, values(out, "status.global").getFirst().value());
        assertEquals(3, deltas.series());
    }

    /** A collection of level {@code daily} or {@code minute}, some seconds after T0. */
    private static Metrics of(String level, long seconds, String domain, MetricValue value) {
        Instant begin = TestData.T0.plusSeconds(seconds);
        return new Metrics("db1", "p", level, seconds, begin, begin.plusMillis(5), Map.of(domain, List.of(value)));
    }

    /**
     * A dropped table's series is forgotten an hour after its last value; a daily level's series,
     * whose values come a day apart, is kept between them.
     */
    @Test
    void aSeriesGoneForAnHourIsForgottenButADailyOnesAreKept() {
        var deltas = new CounterDeltas();
        long day = 86_400;
        deltas.apply(of("daily", 0, "size.database", counter("bytes_read", 10, Map.of("db", "x"))));
        deltas.apply(of("minute", 0, "wait.io.table", counter("count_star", 1, Map.of("tbl", "gone"))));
        for (long s = 60; s <= 3600; s += 60) { // an hour of 1-minute collections without either
            deltas.apply(of("minute", s, "status.global", MetricValue.counter("queries", s)));
        }
        assertEquals(3, deltas.series(), "not yet: an hour to the second");
        for (long s = 3660; s < day; s += 60) {
            deltas.apply(of("minute", s, "status.global", MetricValue.counter("queries", s)));
        }
        assertEquals(2, deltas.series(), "the dropped table's series is forgotten, the daily level's period unknown");
        Metrics second = deltas.apply(of("daily", day, "size.database", counter("bytes_read", 20, Map.of("db", "x"))));
        assertEquals(10.0, values(second, "size.database").getFirst().value());
        for (long s = day; s < 2 * day; s += 60) {
            deltas.apply(of("minute", s, "status.global", MetricValue.counter("queries", s)));
        }
        Metrics third = deltas.apply(of("daily", 2 * day, "size.database", counter("bytes_read", 35,
                Map.of("db", "x"))));
        assertEquals(15.0, values(third, "size.database").getFirst().value(), "kept a day: three periods are three days");
    }

    @Test
    void otherTypesPassUnchangedAndMetaAndTimeAreKept() {
        var deltas = new CounterDeltas();
        Instant measured = Instant.parse("2026-01-02T03:00:00Z");
        var gauge = MetricValue.gauge("threads_running", 4);
        var delta = new MetricValue("raised", 2, MetricType.DELTA_COUNTER, Map.of(), Map.of());
        var bool = MetricValue.bool("up", true);
        var timed = counter("aborted_clients", 7, Map.of()).withMeta(Map.of("ts", "1767322800000")).withTime(measured);
        deltas.apply(at("db1", 1, 1, "d", List.of(gauge, delta, bool, timed)));
        Metrics out = deltas.apply(at("db1", 2, 2, "d", List.of(gauge, delta, bool, timed.withValue(9))));
        assertEquals(List.of(gauge, delta, bool, new MetricValue("aborted_clients", 2, MetricType.DELTA_COUNTER,
                Map.of(), Map.of("ts", "1767322800000"), measured)), values(out, "d"));
        assertEquals(2, out.interval());
    }

    @Test
    void aCollectionWithoutCumulativeCountersIsReturnedAsItIs() {
        Metrics gauges = at("db1", 1, 1, "d", List.of(MetricValue.gauge("g", 1)));
        assertSame(gauges, new CounterDeltas().apply(gauges));
    }
}
