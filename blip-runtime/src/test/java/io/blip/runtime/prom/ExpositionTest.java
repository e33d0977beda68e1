package io.blip.runtime.prom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.MetricValue;
import io.blip.runtime.prom.Exposition.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text format as client_golang writes it, and the exporter's folding of Blip's domains. */
class ExpositionTest {
    /** {@code v} as a sample's value, which must be as {@link Exposition#formatValue} writes it. */
    private static String format(double v) {
        var formatted = new StringBuilder();
        Exposition.formatValue(v, formatted);
        String text = new Exposition().add("x", "h", Type.GAUGE, v).toString();
        String written = text.substring(text.lastIndexOf("\nx ") + 3, text.length() - 1);
        assertEquals(formatted.toString(), written, "the sample's value as formatted, " + v);
        return written;
    }

    /** Go's strconv.FormatFloat(v, 'g', -1, 64), as client_golang writes every value. */
    @Test
    void valuesAreWrittenAsGoWritesThem() {
        assertEquals("0", format(0));
        assertEquals("42", format(42));
        assertEquals("-3", format(-3));
        assertEquals("999999", format(999_999));
        assertEquals("1e+06", format(1_000_000));
        assertEquals("1.234567e+06", format(1_234_567));
        assertEquals("1.8446744073709552e+19", format(18446744073709551615.0));
        assertEquals("0.25", format(0.25));
        assertEquals("0.0001", format(0.0001));
        assertEquals("1e-05", format(0.00001));
        assertEquals("-2.5e+07", format(-25_000_000));
        assertEquals("123456.5", format(123456.5));
        assertEquals("-1e+06", format(-1_000_000));
        assertEquals("1.23456789012345e+14", format(123_456_789_012_345L));
        assertEquals("1e+15", format(1e15));
        assertEquals("9.007199254740991e+15", format(9_007_199_254_740_991L));
        assertEquals("9.007199254740992e+15", format(9_007_199_254_740_992L));
        assertEquals("1.0000005e+06", format(1_000_000.5));
        assertEquals("1.34217728e+08", format(134_217_728));
        assertEquals("NaN", format(Double.NaN));
        assertEquals("+Inf", format(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", format(Double.NEGATIVE_INFINITY));
    }

    @Test
    void familiesAreWrittenOnceWithTheirSamplesTogetherAndEscaped() {
        var e = new Exposition()
                .add("a_total", "Help with \\ and\nnewline.", Type.COUNTER, "k", "x", 1)
                .add("b", "B.", Type.GAUGE, 2)
                .add("a_total", "ignored", Type.GAUGE, "k", "q\"uote\\back\nline", 3);
        assertEquals("""
                # HELP a_total Help with \\\\ and\\nnewline.
                # TYPE a_total counter
                a_total{k="x"} 1
                a_total{k="q\\"uote\\\\back\\nline"} 3
                # HELP b B.
                # TYPE b gauge
                b 2
                """, e.toString());
    }

    @Test
    void globalStatusIsFoldedAsTheExporterFoldsIt() {
        var e = new Exposition();
        ExporterNames.globalStatus(List.of(MetricValue.counter("com_select", 7), MetricValue.counter("handler_read_key", 8),
                MetricValue.counter("connection_errors_max_connections", 0),
                MetricValue.gauge("innodb_buffer_pool_pages_data", 100),
                MetricValue.counter("innodb_buffer_pool_pages_flushed", 5),
                MetricValue.counter("innodb_rows_read", 9), MetricValue.counter("performance_schema_locker_lost", 0),
                MetricValue.counter("queries", 11)), e);
        String text = e.toString();
        for (String line : List.of(
                "# TYPE mysql_global_status_commands_total counter", "mysql_global_status_commands_total{command=\"select\"} 7",
                "mysql_global_status_handlers_total{handler=\"read_key\"} 8",
                "mysql_global_status_connection_errors_total{error=\"max_connections\"} 0",
                "# TYPE mysql_global_status_buffer_pool_pages gauge",
                "mysql_global_status_buffer_pool_pages{state=\"data\"} 100",
                "mysql_global_status_buffer_pool_page_changes_total{operation=\"flushed\"} 5",
                "mysql_global_status_innodb_row_ops_total{operation=\"read\"} 9",
                "mysql_global_status_performance_schema_lost_total{instrumentation=\"locker_lost\"} 0",
                "# HELP mysql_global_status_queries Generic metric from SHOW GLOBAL STATUS.",
                "# TYPE mysql_global_status_queries untyped", "mysql_global_status_queries 11")) {
            assertEquals(true, text.lines().anyMatch(line::equals), line + " in\n" + text);
        }
    }

    @Test
    void globalVariablesEndWithTheVersion() {
        var e = new Exposition();
        ExporterNames.globalVariables(List.of(MetricValue.gauge("max_connections", 151)),
                Map.of("version", "10.11.5-MariaDB-log", "version_comment", "MariaDB Server", "innodb_version", "10.11.5"),
                e);
        assertEquals("""
                # HELP mysql_global_variables_max_connections Generic gauge metric from SHOW GLOBAL VARIABLES.
                # TYPE mysql_global_variables_max_connections gauge
                mysql_global_variables_max_connections 151
                # HELP mysql_version_info MySQL version and distribution.
                # TYPE mysql_version_info gauge
                mysql_version_info{innodb_version="10.11.5",version="10.11.5-MariaDB-log",version_comment="MariaDB Server"} 1
                """, e.toString());
    }
}
