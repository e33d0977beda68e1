package io.blip.runtime.plan;

import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Blip's own examples: {@code plan/sort_test.go} and {@code docs/content/plans/file.md}. */
class LevelingTest {

    static Domain domain(String name, List<String> metrics, Map<String, String> options, Map<String, String> errors) {
        return new Domain(name, metrics, options, errors);
    }

    static Domain domain(String name, String... metrics) {
        return domain(name, List.of(metrics), Map.of(), Map.of());
    }

    static Level level(String name, int seconds, Domain... domains) {
        var collect = new LinkedHashMap<String, Domain>();
        for (Domain d : domains) {
            collect.put(d.name(), d);
        }
        return new Level(name, Duration.ofSeconds(seconds), collect);
    }

    static Plan plan(Level... levels) {
        var byName = new LinkedHashMap<String, Level>();
        for (Level l : levels) {
            byName.put(l.name(), l);
        }
        return new Plan("test1", "test", byName);
    }

    @Test
    void oneLevelIsUnchanged() {
        Plan p = plan(level("L1", 1, domain("D1", "M1")));
        assertEquals(p, Leveling.levelUp(p));
    }

    @Test
    void threeLevelsOfOneDomain() {
        Plan leveled = Leveling.levelUp(plan(
                level("L3", 20, domain("D1", "M3")),
                level("L1", 5, domain("D1", "M1")),
                level("L2", 10, domain("D1", "M2"))));

        assertEquals(plan(
                level("L1", 5, domain("D1", "M1")),
                level("L2", 10, domain("D1", "M2", "M1")),
                level("L3", 20, domain("D1", "M3", "M2", "M1"))), leveled);
        assertEquals(List.of("L1", "L2", "L3"), List.copyOf(leveled.levels().keySet()));
    }

    @Test
    void optionsAndErrorsOfTheHigherLevelWin() {
        Plan leveled = Leveling.levelUp(plan(
                level("L1", 5, domain("D1", List.of("M1"), Map.of("option1", "1", "option2", "2"),
                        Map.of("error1", "1", "error2", "2"))),
                level("L2", 10, domain("D1", List.of("M2"), Map.of("option1", "1-1"), Map.of("error1", "1-1")))));

        assertEquals(domain("D1", List.of("M2", "M1"), Map.of("option1", "1-1", "option2", "2"),
                Map.of("error1", "1-1", "error2", "2")), leveled.levels().get("L2").collect().get("D1"));
    }

    @Test
    void onlyMultiplesLevelUp() {
        Plan leveled = Leveling.levelUp(plan(
                level("L1", 5, domain("D1", "D1_M1")),
                level("L2", 20, domain("D1", "D1_M2")),
                level("L3", 30, domain("D2", "D2_M1")),
                level("L4", 60, domain("D3", List.of("D3_M1"), Map.of("option1", "1"), Map.of("error1", "1"))),
                level("L5", 300, domain("D4", "D4_M1"))));

        Domain d1 = domain("D1", "D1_M2", "D1_M1");
        Domain d2 = domain("D2", "D2_M1");
        Domain d3 = domain("D3", List.of("D3_M1"), Map.of("option1", "1"), Map.of("error1", "1"));
        assertEquals(plan(
                level("L1", 5, domain("D1", "D1_M1")),
                level("L2", 20, d1),
                level("L3", 30, d2, domain("D1", "D1_M1")), // 30s is not a multiple of L2's 20s
                level("L4", 60, d3, d2, d1),
                level("L5", 300, domain("D4", "D4_M1"), d3, d2, d1)), leveled);
    }

    @Test
    void repeatedMetricsAreNotDuplicated() {
        Plan leveled = Leveling.levelUp(plan(
                level("performance", 5, domain("status.global", "Queries", "Threads_running")),
                level("standard", 20, domain("status.global", "Bytes_sent", "Queries"))));

        assertEquals(List.of("Bytes_sent", "Queries", "Threads_running"),
                leveled.levels().get("standard").collect().get("status.global").metrics());
    }

    @Test
    void defaultMysqlLevelsUp() {
        Plan leveled = Leveling.levelUp(DefaultPlans.defaultMysql());

        assertEquals(List.of("performance", "additional", "data-size", "sysvars"), List.copyOf(leveled.levels().keySet()));
        Level additional = leveled.levels().get("additional");
        assertEquals(List.of("status.global", "innodb", "repl", "repl.lag"), List.copyOf(additional.collect().keySet()));
        assertEquals(27 + 26, additional.collect().get("status.global").metrics().size());
        Level sysvars = leveled.levels().get("sysvars");
        assertEquals(List.of("var.global", "size.database", "size.table", "size.binlog", "status.global", "innodb",
                "repl", "repl.lag"), List.copyOf(sysvars.collect().keySet()));
    }
}
