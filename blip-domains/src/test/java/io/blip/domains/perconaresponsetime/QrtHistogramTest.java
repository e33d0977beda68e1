package io.blip.domains.perconaresponsetime;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Blip's percentile of the plugin's rows, as MariaDB writes them (padded text), in any order. */
class QrtHistogramTest {

    private static QrtHistogram.Bucket row(String time, long count, String total) {
        return QrtHistogram.Bucket.parse(time, count, total);
    }

    @Test
    void theFirstBucketByBoundWhoseRunningCountReachesPGivesItsMean() {
        var h = new QrtHistogram(List.of(
                row("      1.000000", 1, "      0.500000"),
                row("      0.000100", 4, "      0.000250"),
                row("      0.010000", 0, "      0.000000"),
                row("      0.100000", 5, "      0.125000")));
        // 10 queries: 4 up to 100 µs (mean 62.5 µs), 5 up to 100 ms (mean 25 ms), 1 up to 1 s.
        assertEquals(Optional.of(new QrtHistogram.Result(0.0000625, 0.4)), h.percentile(0.25));
        assertEquals(Optional.of(new QrtHistogram.Result(0.0000625, 0.4)), h.percentile(0.4));
        assertEquals(Optional.of(new QrtHistogram.Result(0.025, 0.9)), h.percentile(0.41));
        assertEquals(Optional.of(new QrtHistogram.Result(0.025, 0.9)), h.percentile(0.9));
        assertEquals(Optional.of(new QrtHistogram.Result(0.5, 1.0)), h.percentile(0.999));
    }

    @Test
    void nothingCountedHasNoPercentile() {
        assertEquals(Optional.empty(), new QrtHistogram(List.of(row("      0.000001", 0, "      0.000000")))
                .percentile(0.99));
    }

    @Test
    void tooLongIsLeftOutAndATextThatIsNoNumberIsNamed() {
        assertNull(row("TOO LONG", 4, "TOO LONG"));
        assertEquals("QUERY_RESPONSE_TIME.TOTAL 'soon' is not a number",
                assertThrows(IllegalArgumentException.class, () -> row(" 0.1", 1, "soon")).getMessage());
        assertEquals("QUERY_RESPONSE_TIME.TIME 'x' is not a number",
                assertThrows(IllegalArgumentException.class, () -> row("x ", 1, "0.1")).getMessage());
    }
}
