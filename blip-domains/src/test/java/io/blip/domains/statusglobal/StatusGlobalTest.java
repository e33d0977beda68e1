package io.blip.domains.statusglobal;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.config.Option;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static io.blip.domains.TestingCollectors.FAST;
import static io.blip.domains.TestingCollectors.SLOW;
import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.byName;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusGlobalTest {
    private final StatusGlobalFactory factory = new StatusGlobalFactory();

    @Test
    void collectsTheListedVariablesLowercaseWithGaugesAndCounters() throws Exception {
        var plan = plan(domain("status.global", List.of("Threads_running", "queries", "max_used_connections",
                "no_such_status"), Map.of()));
        Map<String, MetricValue> values = byName(collectOnce(factory, admin(), plan));
        assertEquals(Set.of("threads_running", "queries", "max_used_connections"), values.keySet());
        assertEquals(MetricType.GAUGE, values.get("threads_running").type());
        assertEquals(MetricType.GAUGE, values.get("max_used_connections").type());
        assertEquals(MetricType.CUMULATIVE_COUNTER, values.get("queries").type());
        assertTrue(values.get("threads_running").value() >= 1, "this query's thread runs");
    }

    @Test
    void queriesGrowBetweenCollections() throws Exception {
        try (Collector c = factory.make(admin())) {
            c.prepare(plan(domain("status.global", List.of("queries"), Map.of())));
            double first = c.collect(FAST).getFirst().value();
            double second = c.collect(FAST).getFirst().value();
            assertTrue(second > first, first + " then " + second);
        }
    }

    @Test
    void allYesCollectsEveryNumericVariable() throws Exception {
        var values = collectOnce(factory, admin(), plan(domain("status.global", List.of(), Map.of("all", "yes"))));
        Map<String, MetricValue> byName = byName(values);
        assertTrue(values.size() > 300, "only " + values.size());
        assertTrue(byName.containsKey("uptime"));
        assertTrue(byName.containsKey("innodb_buffer_pool_pages_total"));
        assertEquals(MetricType.GAUGE, byName.get("innodb_buffer_pool_pages_total").type());
        for (MetricValue v : values) {
            assertEquals(v.name().toLowerCase(java.util.Locale.ROOT), v.name());
            assertTrue(Double.isFinite(v.value()), v.toString());
        }
    }

    @Test
    void eachLevelGetsItsOwnMetricsEvenWhenCollectedAtTheSameTime() throws Exception {
        try (Collector c = factory.make(admin())) {
            c.prepare(plan(domain("status.global", List.of("threads_running"), Map.of()),
                    domain("status.global", List.of("uptime", "queries"), Map.of())));
            var tasks = new ArrayList<Callable<Set<String>>>();
            for (int i = 0; i < 20; i++) {
                String level = i % 2 == 0 ? FAST : SLOW;
                tasks.add(() -> c.collect(level).stream().map(MetricValue::name).collect(Collectors.toSet()));
            }
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Set<String>>> results = pool.invokeAll(tasks);
                for (int i = 0; i < results.size(); i++) {
                    assertEquals(i % 2 == 0 ? Set.of("threads_running") : Set.of("uptime", "queries"),
                            results.get(i).get());
                }
            }
        }
    }

    @Test
    void aLevelWithoutMetricsOrAllIsRefused() {
        var e = assertThrows(BlipException.class, () -> factory.make(admin())
                .prepare(plan(domain("status.global", List.of(), Map.of()))));
        assertEquals("status.global: level 'fast': no metrics listed; list status variables in metrics"
                + " or set option all=yes", e.getMessage());
    }

    @Test
    void helpDeclaresOptionAllAndTheGauges() {
        Option all = factory.help().options().get("all").orElseThrow();
        assertEquals("no", all.defaultValue());
        assertEquals(Set.of("yes", "no"), all.values().keySet());
        assertEquals(Set.of("threads_running", "threads_connected", "prepared_stmt_count",
                        "innodb_buffer_pool_pages_dirty", "innodb_buffer_pool_pages_free",
                        "innodb_buffer_pool_pages_total", "innodb_row_lock_current_waits",
                        "innodb_os_log_pending_writes", "max_used_connections"),
                factory.help().metrics().stream().map(m -> m.name()).collect(Collectors.toSet()));
        assertTrue(factory.help().metrics().stream().allMatch(m -> m.type() == MetricType.GAUGE));
        assertTrue(factory.help().errors().isEmpty());
    }
}
