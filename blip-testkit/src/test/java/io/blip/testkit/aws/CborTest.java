package io.blip.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CborTest {
    /**
     * A GetMetricData body as AWS SDK for Java 2.41.30 sent it (captured from a real request):
     * indefinite-length maps, timestamps as tag 1 with a float32 and a float64.
     */
    private static final String SDK_REQUEST = "bf714d6574726963446174615175657269657381bf624964626d306a4d657472696353746174"
            + "bf664d6574726963bf694e616d657370616365674157532f5244536a4d65747269634e616d656e4350555574696c697a6174696f6e"
            + "6a44696d656e73696f6e7381bf644e616d65744442496e7374616e63654964656e7469666965726556616c756563646231ffff6650"
            + "6572696f64183c64537461746741766572616765ffff69537461727454696d65c1fa4ecaa7e267456e6454696d65c1fb41d954fc5e"
            + "200000665363616e42797254696d657374616d70417363656e64696e67ff";

    @Test
    void decodesWhatTheSdkSends() {
        var body = (Map<?, ?>) Cbor.decode(HexFormat.of().parseHex(SDK_REQUEST));

        assertEquals(Instant.ofEpochSecond(1_700_000_000), body.get("StartTime"));
        assertEquals(Instant.ofEpochMilli(1_700_000_120_500L), body.get("EndTime"));
        assertEquals("TimestampAscending", body.get("ScanBy"));
        var query = (Map<?, ?>) ((List<?>) body.get("MetricDataQueries")).getFirst();
        assertEquals("m0", query.get("Id"));
        var stat = (Map<?, ?>) query.get("MetricStat");
        assertEquals(60L, stat.get("Period"));
        assertEquals("Average", stat.get("Stat"));
        var metric = (Map<?, ?>) stat.get("Metric");
        assertEquals("AWS/RDS", metric.get("Namespace"));
        assertEquals("CPUUtilization", metric.get("MetricName"));
        assertEquals(List.of(Map.of("Name", "DBInstanceIdentifier", "Value", "db1")), metric.get("Dimensions"));
    }

    @Test
    void roundTrips() {
        var value = new LinkedHashMap<String, Object>();
        value.put("text", "héllo");
        value.put("small", 23L);
        value.put("byte", 255L);
        value.put("short", 65_535L);
        value.put("int", 4_294_967_295L);
        value.put("long", Long.MAX_VALUE);
        value.put("negative", -1_000_000L);
        value.put("double", 1.5e9);
        value.put("bool", true);
        value.put("null", null);
        value.put("bytes", new byte[] {1, 2, 3});
        value.put("whole second", Instant.ofEpochSecond(1_700_000_000));
        value.put("millis", Instant.ofEpochMilli(1_700_000_000_250L));
        value.put("list", List.of("a", 1L, List.of()));

        var decoded = (Map<?, ?>) Cbor.decode(Cbor.encode(value));

        assertArrayEquals((byte[]) value.remove("bytes"), (byte[]) decoded.remove("bytes"));
        assertEquals(value, decoded);
    }

    @Test
    void decodesHalfFloatsIndefiniteStringsAndOtherTags() {
        assertEquals(1.5, Cbor.decode(HexFormat.of().parseHex("f93e00")));
        assertEquals("abcd", Cbor.decode(HexFormat.of().parseHex("7f626162626364ff")));
        assertEquals(List.of(1L, 2L), Cbor.decode(HexFormat.of().parseHex("9f0102ff")));
        assertEquals("2013-03-21T20:04:00Z", Cbor.decode(HexFormat.of().parseHex(
                "c074323031332d30332d32315432303a30343a30305a")), "tag 0 is left as its text");
    }

    @Test
    void rejectsMalformedInput() {
        var truncated = assertThrows(IllegalArgumentException.class, () -> Cbor.decode(HexFormat.of().parseHex("6261")));
        assertEquals("CBOR: length 2 beyond the data", truncated.getMessage());
        var trailing = assertThrows(IllegalArgumentException.class, () -> Cbor.decode(HexFormat.of().parseHex("0101")));
        assertEquals("CBOR: 1 bytes after the data item", trailing.getMessage());
        var lone = assertThrows(IllegalArgumentException.class, () -> Cbor.decode(HexFormat.of().parseHex("ff")));
        assertEquals("CBOR: unexpected break", lone.getMessage());
    }
}
