package io.blip.runtime.plan;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.Option;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlanValidatorTest {

    static final Map<String, CollectorHelp> HELP = Map.of(
            "status.global", CollectorHelp.builder("status.global", "Global status variables")
                    .option(Option.oneOf("all", "Collect all status variables", "yes", "all of them", "no", "only the plan's metrics").withDefault("no"))
                    .build(),
            "repl", CollectorHelp.builder("repl", "Replication status")
                    .metric("running", MetricType.GAUGE, "1=running, 0=not, -1=not a replica")
                    .strictMetrics()
                    .error("access-denied", "access denied on SHOW REPLICA STATUS", 1227)
                    .build(),
            "size.database", CollectorHelp.builder("size.database", "Database sizes")
                    .option(Option.string("exclude", "Databases to leave out").withDefault("mysql,sys"))
                    .option(Option.string("token", "a secret").asSecret())
                    .build());

    static Plan plan(Level... levels) {
        var byName = new LinkedHashMap<String, Level>();
        for (Level l : levels) {
            byName.put(l.name(), l);
        }
        return new Plan("p.yaml", "p.yaml", byName);
    }

    static Level level(String name, Duration freq, Domain... domains) {
        var collect = new LinkedHashMap<String, Domain>();
        for (Domain d : domains) {
            collect.put(d.name(), d);
        }
        return new Level(name, freq, collect);
    }

    /** A map that keeps the order written: key, value, key, value. */
    static Map<String, String> ordered(String... keyAndValue) {
        var out = new LinkedHashMap<String, String>();
        for (int i = 0; i < keyAndValue.length; i += 2) {
            out.put(keyAndValue[i], keyAndValue[i + 1]);
        }
        return out;
    }

    @Test
    void defaultPlansAreValid() {
        var all = Map.of("status.global", HELP.get("status.global"), "innodb", CollectorHelp.builder("innodb", "").option(
                        Option.oneOf("all", "", "enabled", "", "yes", "")).build(),
                "var.global", CollectorHelp.builder("var.global", "").option(Option.oneOf("all", "", "yes", "")).build(),
                "repl", CollectorHelp.builder("repl", "").error("access-denied", "", 1227).build(),
                "repl.lag", CollectorHelp.builder("repl.lag", "").build(),
                "size.database", HELP.get("size.database"), "size.table", CollectorHelp.builder("size.table", "").build(),
                "size.binlog", CollectorHelp.builder("size.binlog", "").error("access-denied", "", 1227).build());
        for (Plan p : DefaultPlans.all()) {
            assertEquals(List.of(), PlanValidator.problems(p, all, "default plans"));
        }
    }

    @Test
    void everyProblemOfAPlan() {
        Plan p = plan(
                level("kpi", Duration.ofSeconds(5),
                        new Domain("status.globl", List.of("Queries"), Map.of(), Map.of()),
                        new Domain("status.global", List.of("Queries; DROP TABLE x"), ordered("all", "maybe", "every", "1"),
                                Map.of()),
                        new Domain("repl", List.of("running", "lag"), Map.of(),
                                ordered("access-denied", "ignore,retry,drop", "timeout", "stop"))),
                level("again", Duration.ofSeconds(5)),
                level("fast", Duration.ofMillis(500)),
                level("odd", Duration.ofMillis(2500),
                        new Domain("size.database", List.of(), ordered("exclude", "${EXCLUDE}", "token", "t0k"),
                                Map.of("access-denied", "ignore"))));

        assertEquals(List.of(
                "plans.files: plan 'p.yaml': fast.freq: 500ms is too short; a level's frequency is at least 1s",
                "plans.files: plan 'p.yaml': odd.freq: 2.5s is not a whole number of seconds; levels are collected on"
                        + " 1s ticks",
                "plans.files: plan 'p.yaml': odd.collect.size.database.errors.access-denied: size.database has no"
                        + " errors that a policy can apply to",
                "plans.files: plan 'p.yaml': kpi.collect.status.globl: no such domain; available domains: repl,"
                        + " size.database, status.global",
                "plans.files: plan 'p.yaml': kpi.collect.status.global.metrics: 'Queries; DROP TABLE x' is not a"
                        + " metric name; use letters, digits, _ and - only",
                "plans.files: plan 'p.yaml': kpi.collect.status.global.options.all: 'maybe' is not allowed; use one"
                        + " of: yes, no",
                "plans.files: plan 'p.yaml': kpi.collect.status.global.options.every: unknown option; status.global"
                        + " has: all",
                "plans.files: plan 'p.yaml': kpi.collect.repl.metrics: 'lag' is not a metric of repl; it has: running",
                "plans.files: plan 'p.yaml': kpi.collect.repl.errors.access-denied: 'ignore,retry,drop' is not an"
                        + " error policy: 'drop' is out of order or repeated; write <report>,<metric>,<retry> with"
                        + " report = report|report-once|ignore, metric = drop|zero, retry = retry|stop (any of the"
                        + " three, in that order), e.g. ignore,drop,retry",
                "plans.files: plan 'p.yaml': kpi.collect.repl.errors.timeout: unknown error; repl has: access-denied",
                "plans.files: plan 'p.yaml': again.freq: 5s is also the frequency of level kpi; each level needs its"
                        + " own frequency"), PlanValidator.problems(p, HELP, "plans.files"));
    }

    /** Blip lowercases metric names: its docs list wait.io.table's as COUNT_WRITE. */
    @Test
    void aListedMetricIsKnownWhateverItsCase() {
        Plan p = plan(level("kpi", Duration.ofSeconds(5), new Domain("repl", List.of("RUNNING"), Map.of(), Map.of())));
        assertEquals(List.of(), PlanValidator.problems(p, HELP, "plans.files"));
    }

    @Test
    void withoutTheListOfDomains() {
        Plan p = plan(level("kpi", Duration.ofSeconds(5), new Domain("nope", List.of(), Map.of(), Map.of())));
        assertEquals(List.of("plans.files: plan 'p.yaml': kpi.collect.nope: no such domain; run blip --print-domains"
                        + " to list them"),
                PlanValidator.problems(p, d -> Optional.ofNullable(HELP.get(d)), "plans.files"));
    }

    @Test
    void secretOptionValuesAreNotShown() {
        var help = Map.of("d", CollectorHelp.builder("d", "").option(Option.oneOf("api-key", "", "a", "", "b", "").asSecret()).build());
        Plan p = plan(level("l", Duration.ofSeconds(1), new Domain("d", List.of(), Map.of("api-key", "s3cret"), Map.of())));
        assertEquals(List.of("x: plan 'p.yaml': l.collect.d.options.api-key: '...' is not allowed; use one of: a, b"),
                PlanValidator.problems(p, help, "x"));
    }
}
