package io.blip.runtime.prom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Values read as mysqld_exporter 0.14 reads them ({@code parseStatus} of its collector package). */
class ServerExtrasTest {
    private static String read(String raw) {
        OptionalDouble v = ServerExtras.parseStatus(raw);
        return v.isPresent() ? String.valueOf(v.getAsDouble()) : "none";
    }

    @Test
    void numbersAsGoParsesThem() {
        assertEquals("123.0", read("123"));
        assertEquals("123.0", read("0123"));
        assertEquals("-5.0", read("-5"));
        assertEquals("1500.0", read("1.5e3"));
        assertEquals("0.25", read(".25"));
        assertEquals("1.234567890123456E15", read("1234567890123456"));
        assertEquals("1.2345678901234567E19", read("12345678901234567890"));
        assertEquals("NaN", read("NaN"));
        assertEquals("Infinity", read("+inf"));
        assertEquals("none", read("1d"));
        assertEquals("none", read("0x10"));
        assertEquals("none", read(""));
        assertEquals("none", read(null));
    }

    @Test
    void wordsTheExporterKnows() {
        for (String one : new String[] {"ON", "yes", "Yes", "Primary"}) {
            assertEquals("1.0", read(one), one);
        }
        for (String zero : new String[] {"OFF", "No", "DISABLED", "Connecting", "non-Primary", "Disconnected"}) {
            assertEquals("0.0", read(zero), zero);
        }
    }

    @Test
    void datesAsUnixSecondsAndTextAsNothing() {
        assertEquals("1.704164645E9", read("2024-01-02 03:04:05"));
        assertEquals("1.893456E9", read("Jan 01 00:00:00 2030 GMT"));
        // Text of a date's length or with colons is not a date (and is not tried as one).
        assertEquals("none", read("ibdata1:12M:autoextend"));
        assertEquals("none", read("2024-13-02 03:04:05"));
        assertEquals("none", read("Abc 01 00:00:00 2030 GMT"));
        assertEquals("none", read("/var/lib/mysql/"));
        assertEquals("none", read("STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO"));
    }
}
