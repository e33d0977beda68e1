package io.blip.sink.datadog;

import com.google.gson.JsonObject;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.sink.datadog.Points.Point;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.blip.sink.datadog.TestData.at;
import static io.blip.sink.datadog.TestData.monitor;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JSON and DogStatsD forms of a point, read back by a parser that is not the writer. */
class WireTest {

    private static JsonObject parsed(Point p, String host) {
        return FakeDatadog.parse("{\"series\":[" + Wire.series(p, host) + "]}").getFirst();
    }

    @Test
    void anyTextInANameTagOrHostIsValidJsonAndReadsBackAsWritten() {
        String odd = "q\"uote \\back\nline\ttab \u0001 \u00e9\u6f22 \uD83D\uDE00";
        JsonObject s = parsed(new Point("m." + odd, false, 1.25, 1767323045L, List.of("t:" + odd)), "h" + odd);
        assertEquals("m." + odd, TestData.metric(s));
        assertEquals(List.of("t:" + odd), TestData.tags(s));
        assertEquals("h" + odd, s.getAsJsonArray("resources").get(0).getAsJsonObject().get("name").getAsString());
        assertEquals(1.25, TestData.value(s));
    }

    @Test
    void largeAndSmallValuesAreJsonNumbersAndPlainStatsdNumbers() {
        for (double v : new double[] {0, -3, 1e15, 1.8446744073709552e19, 1e-7, 123456.789}) {
            var p = new Point("m", true, v, 1L, List.of());
            assertEquals(v, TestData.value(parsed(p, null)));
            String line = Wire.statsd(p);
            assertEquals(v, Double.parseDouble(line.substring(2, line.indexOf('|'))), line);
        }
        assertEquals("m:18446744073709552000|c", Wire.statsd(new Point("m", true, 1.8446744073709552e19, 1L,
                List.of())));
    }

    @Test
    void valuesThatAreNotNumbersAreLeftOut() {
        var points = new Points("", null, true, monitor("db1", Map.of()));
        List<Point> out = points.of(at("db1", 1, 1, "d", List.of(MetricValue.gauge("nan", Double.NaN),
                new MetricValue("inf", Double.POSITIVE_INFINITY, MetricType.GAUGE, Map.of(), Map.of()),
                MetricValue.gauge("ok", 1))));
        assertEquals(List.of("d.ok"), out.stream().map(Point::metric).toList());
    }
}
