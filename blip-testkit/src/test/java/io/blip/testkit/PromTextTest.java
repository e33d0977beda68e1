package io.blip.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.PromText.Family;
import io.blip.testkit.PromText.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PromTextTest {
    /** The golden files ./dev record-exporter-fixtures records, from this module's directory. */
    private static final Path GOLDEN = Path.of("../blip-runtime/src/test/resources/io/blip/runtime/prom/golden");

    @Test
    void theSourceFixtureHasCommandCountersAndNoReplicaStatus() throws IOException {
        List<Family> families = PromText.parse(fixture("mariadb-source.prom"));

        Family commands = family(families, "mysql_global_status_commands_total");
        assertEquals("counter", commands.type());
        assertEquals("Total number of executed MySQL commands.", commands.help());
        assertTrue(commands.samples().size() > 100, "one sample per command: " + commands.samples().size());
        for (Sample s : commands.samples()) {
            assertEquals("mysql_global_status_commands_total", s.name());
            assertEquals(Set.of("command"), s.labels().keySet());
        }
        assertTrue(commands.samples().stream().anyMatch(s -> s.labels().get("command").equals("select")
                && s.value() > 0), "some SELECTs counted");

        Family up = family(families, "mysql_up");
        assertEquals("gauge", up.type());
        assertEquals(List.of(new Sample("mysql_up", Map.of(), 1)), up.samples());
        assertEquals(List.of(), names(families, "mysql_slave_status_"));
    }

    @Test
    void theReplicaFixtureHasReplicaStatusAsUntypedGauges() throws IOException {
        List<Family> families = PromText.parse(fixture("mariadb-replica.prom"));

        assertTrue(names(families, "mysql_slave_status_").size() > 10, names(families, "mysql_slave_status_")
                .toString());
        Family io = family(families, "mysql_slave_status_slave_io_running");
        assertEquals("untyped", io.type());
        assertEquals(1, io.samples().size());
        Sample running = io.samples().getFirst();
        assertEquals(1, running.value());
        assertEquals(Set.of("channel_name", "connection_name", "master_host", "master_uuid"),
                running.labels().keySet());
        assertEquals(1, family(families, "mysql_up").samples().getFirst().value());
    }

    @Test
    void theHeaderCommentsAreNoFamilies() throws IOException {
        String text = fixture("mariadb-source.prom");
        assertTrue(text.startsWith("# recorded: by ./dev record-exporter-fixtures on "), text.substring(0, 80));

        Family first = PromText.parse(text).getFirst();
        assertEquals("go_gc_duration_seconds", first.name());
        assertEquals("summary", first.type());
        assertEquals("A summary of the pause duration of garbage collection cycles.", first.help());
    }

    @Test
    void aTableNameWithQuotesAndABackslashIsOneLabelValue() throws IOException {
        Family rows = family(PromText.parse(fixture("mariadb-source.prom")), "mysql_info_schema_table_rows");
        Set<String> tables = rows.samples().stream().filter(s -> s.labels().get("schema").equals("shop"))
                .map(s -> s.labels().get("table")).collect(Collectors.toSet());
        assertEquals(Set.of("audit", "customers", "orders", "say \"hi\" \\ now"), tables);
    }

    @Test
    void escapedLabelValuesAndHelpComeBackUnescaped() {
        String text = """
                # HELP odd A help with a \\\\ backslash\\nand a new line.
                # TYPE odd gauge
                odd{quote="say \\"hi\\"",backslash="C:\\\\dir",newline="one\\ntwo",all="\\\\\\"\\n"} 2.5
                """;

        Family odd = PromText.parse(text).getFirst();
        assertEquals("A help with a \\ backslash\nand a new line.", odd.help());
        Sample sample = odd.samples().getFirst();
        assertEquals(Map.of("quote", "say \"hi\"", "backslash", "C:\\dir", "newline", "one\ntwo", "all", "\\\"\n"),
                sample.labels());
        assertEquals(List.of("quote", "backslash", "newline", "all"), List.copyOf(sample.labels().keySet()));
        assertEquals(2.5, sample.value());
    }

    @Test
    void counterNamesAreAsWrittenWithOrWithoutTotal() {
        String text = """
                # TYPE with_total counter
                with_total{a="1"} 3
                # TYPE bare counter
                bare 4
                """;

        assertEquals(List.of(new Family("with_total", "counter", "", List.of(new Sample("with_total", Map.of("a", "1"),
                        3))), new Family("bare", "counter", "", List.of(new Sample("bare", Map.of(), 4)))),
                PromText.parse(text));
    }

    @Test
    void untypedHistogramsAndSpecialValues() {
        String text = """
                # TYPE latency histogram
                latency_bucket{le="0.5"} 1
                latency_bucket{le="+Inf"} 2
                latency_sum 0.75
                latency_count 2
                # TYPE explicit untyped
                explicit NaN
                bare_sample -Inf
                big 1e+20
                """;

        List<Family> families = PromText.parse(text);
        assertEquals(List.of("latency", "explicit", "bare_sample", "big"),
                families.stream().map(Family::name).toList());
        assertEquals(List.of("histogram", "untyped", "untyped", "untyped"), families.stream().map(Family::type)
                .toList());
        assertEquals(List.of("latency_bucket", "latency_bucket", "latency_sum", "latency_count"),
                families.getFirst().samples().stream().map(Sample::name).toList());
        assertEquals(Map.of("le", "+Inf"), families.getFirst().samples().get(1).labels());
        assertTrue(Double.isNaN(families.get(1).samples().getFirst().value()));
        assertEquals(Double.NEGATIVE_INFINITY, families.get(2).samples().getFirst().value());
        assertEquals(1e20, families.get(3).samples().getFirst().value());
    }

    @Test
    void aMalformedTextFailsWithTheParsersMessage() {
        IllegalArgumentException brokenLabels = assertThrows(IllegalArgumentException.class,
                () -> PromText.parse("mysql_up{a=\"b} 1\n"));
        assertEquals("not Prometheus text format, says prometheus_client's parser: "
                + "ValueError: Invalid metric name: mysql_up{a=\"b}", brokenLabels.getMessage());

        IllegalArgumentException badValue = assertThrows(IllegalArgumentException.class,
                () -> PromText.parse("mysql_up one\n"));
        assertEquals("not Prometheus text format, says prometheus_client's parser: "
                + "ValueError: could not convert string to float: 'one'", badValue.getMessage());
    }

    @Test
    void aSampleWithAnotherNameThanItsTypeLineIsAFamilyOfItsOwn() {
        // The parser's rule, which a comparison must know: a counter's samples carry its TYPE line's name.
        List<Family> families = PromText.parse("# TYPE requests counter\nrequests_total 1\n");
        assertEquals(List.of(new Family("requests", "counter", "", List.of()),
                new Family("requests_total", "untyped", "", List.of(new Sample("requests_total", Map.of(), 1)))),
                families);
    }

    @Test
    void anEmptyTextHasNoFamilies() {
        assertEquals(List.of(), PromText.parse(""));
        assertEquals(List.of(), PromText.parse("# just a comment\n\n"));
    }

    private static String fixture(String name) throws IOException {
        return Files.readString(GOLDEN.resolve(name));
    }

    private static Family family(List<Family> families, String name) {
        List<Family> found = families.stream().filter(f -> f.name().equals(name)).toList();
        assertEquals(1, found.size(), "families named " + name);
        return found.getFirst();
    }

    private static List<String> names(List<Family> families, String prefix) {
        return families.stream().map(Family::name).filter(n -> n.startsWith(prefix)).toList();
    }
}
