package io.blip.domains.varglobal;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.config.Option;
import io.blip.kit.DownMysql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.byName;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.context;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VarGlobalTest {
    private final VarGlobalFactory factory = new VarGlobalFactory();

    @ParameterizedTest
    @ValueSource(strings = {"auto", "select", "show"})
    void maxConnectionsIsTheServerSetting(String source) throws Exception {
        var values = byName(collect(List.of("max_connections", "innodb_log_file_size"), Map.of("source", source)));
        assertEquals(Set.of("max_connections", "innodb_log_file_size"), values.keySet());
        assertEquals(selectGlobal("max_connections"), values.get("max_connections").value());
        assertEquals(selectGlobal("innodb_log_file_size"), values.get("innodb_log_file_size").value());
        assertEquals(MetricType.GAUGE, values.get("max_connections").type());
    }

    @Test
    void switchesReadAsOneOrZero() throws Exception {
        // SHOW prints them as ON and OFF, SELECT as 1 and 0; both read as numbers.
        for (String source : List.of("show", "select")) {
            var values = byName(collect(List.of("log_bin", "read_only"), Map.of("source", source)));
            assertEquals(1.0, values.get("log_bin").value(), source);
            assertEquals(0.0, values.get("read_only").value(), source);
        }
    }

    @Test
    void textVariablesAreSkipped() throws Exception {
        var values = byName(collect(List.of("max_connections", "datadir", "sql_mode"), Map.of("source", "show")));
        assertEquals(Set.of("max_connections"), values.keySet());
    }

    @Test
    void autoFallsBackToShowWhenAVariableIsUnknownAndPfsIsMissing() throws Exception {
        // SELECT fails on the unknown variable; MariaDB has no performance_schema.global_variables.
        var values = byName(collect(List.of("max_connections", "no_such_sysvar"), Map.of()));
        assertEquals(Set.of("max_connections"), values.keySet());
    }

    @Test
    void allYesReadsEveryNumericVariable() throws Exception {
        var values = collect(List.of(), Map.of("all", "yes"));
        assertTrue(values.size() > 200, "only " + values.size());
        assertEquals(selectGlobal("max_connections"), byName(values).get("max_connections").value());
    }

    @Test
    void anExplicitSourceThatFailsIsReportedWithItsError() {
        var e = assertThrows(BlipException.class, () -> collect(List.of("max_connections"), Map.of("source", "pfs")));
        assertEquals("var.global: level 'fast': source=pfs failed: Table 'performance_schema.global_variables'"
                + " doesn't exist", e.getMessage());
    }

    @Test
    void allYesWithSourceSelectIsRefused() {
        var e = assertThrows(BlipException.class,
                () -> collect(List.of(), Map.of("all", "yes", "source", "select")));
        assertEquals("var.global: level 'fast': option all=yes cannot be read with source=select, which reads only"
                + " listed variables; use source=auto, pfs or show", e.getMessage());
    }

    @Test
    void planMistakesAreReportedEvenWhenMySqlIsDown() {
        var e = assertThrows(BlipException.class, () -> collectOnce(factory, context(new DownMysql()),
                plan(domain("var.global", List.of(), Map.of()))));
        assertEquals("var.global: level 'fast': no metrics listed; list system variables in metrics or set option"
                + " all=yes", e.getMessage());
    }

    @Test
    void autoSkipsSelectForANameItCannotSelect() throws Exception {
        assertEquals(Set.of("max_connections"),
                byName(collect(List.of("max_connections", "not-a-sysvar"), Map.of())).keySet());
    }

    @Test
    void aBogusSourceIsRefusedNamingDomainOptionAndValue() {
        var e = assertThrows(BlipException.class,
                () -> collect(List.of("max_connections"), Map.of("source", "bogus")));
        assertEquals("var.global: level 'fast': option source='bogus' is not one of [auto, select, pfs, show]",
                e.getMessage());
    }

    @Test
    void onlyPlainNamesAreWrittenIntoSql() throws Exception {
        String evil = "max_connections, (SELECT 1)";
        var e = assertThrows(BlipException.class, () -> collect(List.of(evil), Map.of("source", "select")));
        assertEquals("var.global: level 'fast': 'max_connections, (select 1)' is not a system variable name"
                + " (letters, digits, _)", e.getMessage());
        // Other sources bind names as parameters: the name matches nothing.
        assertEquals(List.of(), collect(List.of(evil), Map.of("source", "show")));
    }

    @Test
    void helpDeclaresSourceAndAll() {
        Option source = factory.help().options().get("source").orElseThrow();
        assertEquals("auto", source.defaultValue());
        assertEquals(List.of("auto", "select", "pfs", "show"), List.copyOf(source.values().keySet()));
        Option all = factory.help().options().get("all").orElseThrow();
        assertEquals("no", all.defaultValue());
        assertEquals(Set.of("yes", "no"), all.values().keySet());
    }

    private List<MetricValue> collect(List<String> metrics, Map<String, String> options) throws Exception {
        return collectOnce(factory, admin(), plan(domain("var.global", metrics, options)));
    }

    private static double selectGlobal(String name) throws Exception {
        try (Connection c = db().admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@GLOBAL." + name)) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
