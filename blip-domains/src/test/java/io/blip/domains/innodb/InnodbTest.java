package io.blip.domains.innodb;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.config.Option;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.byName;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InnodbTest {
    private final InnodbFactory factory = new InnodbFactory();

    @Test
    void listedMetricsComeWithTypeAndSubsystem() throws Exception {
        var values = byName(collect(List.of("trx_rseg_history_len", "buffer_pool_size", "lock_deadlocks",
                "Buffer_LRU_batch_flush_total_pages", "no_such_metric"), Map.of()));
        assertEquals(Set.of("trx_rseg_history_len", "buffer_pool_size", "lock_deadlocks",
                "buffer_lru_batch_flush_total_pages"), values.keySet());
        assertEquals(MetricType.GAUGE, values.get("trx_rseg_history_len").type());
        assertEquals(MetricType.GAUGE, values.get("buffer_pool_size").type());
        assertEquals(MetricType.CUMULATIVE_COUNTER, values.get("lock_deadlocks").type());
        assertEquals(Map.of("subsystem", "server"), values.get("buffer_pool_size").meta());
        assertEquals(32 * 1024 * 1024, values.get("buffer_pool_size").value(), "--innodb-buffer-pool-size=32M");
    }

    @Test
    void allEnabledWorksOnMariaDbWhichHasNoStatusColumn() throws Exception {
        List<MetricValue> values = collect(List.of(), Map.of("all", "enabled"));
        assertEquals(count("WHERE enabled = 1"), values.size());
        assertTrue(values.size() < count(""), "not all metrics are enabled");
    }

    @Test
    void allYesReadsEveryMetric() throws Exception {
        assertEquals(count(""), collect(List.of(), Map.of("all", "yes")).size());
    }

    @Test
    void aLevelWithoutMetricsOrAllIsRefused() {
        var e = assertThrows(BlipException.class, () -> collect(List.of(), Map.of()));
        assertEquals("innodb: level 'fast': no metrics listed; list InnoDB metrics in metrics or set option"
                + " all=yes or all=enabled", e.getMessage());
    }

    @Test
    void helpDeclaresAllAndSubsystem() {
        Option all = factory.help().options().get("all").orElseThrow();
        assertEquals("no", all.defaultValue());
        assertEquals(Set.of("yes", "no", "enabled"), all.values().keySet());
        assertEquals(List.of("subsystem"), factory.help().meta());
        assertTrue(factory.help().metric("trx_rseg_history_len").isPresent());
    }

    private List<MetricValue> collect(List<String> metrics, Map<String, String> options) throws Exception {
        return collectOnce(factory, admin(), plan(domain("innodb", metrics, options)));
    }

    private static int count(String where) throws Exception {
        try (Connection c = db().admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.innodb_metrics " + where)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
