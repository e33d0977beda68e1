package io.blip.runtime.plan;

import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.runtime.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PlanFilesTest {

    /** The example of Blip's docs/content/plans/file.md. */
    static final String PLAN_YAML = """
            performance:
              freq: 5s
              collect:
                status.global:
                  options:
                    all: yes
                  metrics:
                    # ALL because of option ^
                innodb:
                  metrics:
                    - trx_rseg_history_len # HLL
                repl:
                  errors:
                    access-denied: ignore,drop,retry

            data-size:
              freq: 60m
              collect:
                size.database:
                  # All defaults
            """;

    static final String PLAN_CONF = """
            performance {
              freq = 5s
              collect {
                "status.global" { options { all = yes } }
                innodb { metrics = [trx_rseg_history_len] }
                repl { errors { access-denied = "ignore,drop,retry" } }
              }
            }
            data-size {
              freq = 60m
              collect { "size.database" = null }
            }
            """;

    @TempDir
    Path dir;

    void write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void yamlAndHoconPlansAreTheSame() throws Exception {
        write("kpi.yaml", PLAN_YAML);
        write("plans/kpi.conf", PLAN_CONF);

        List<Plan> plans = PlanFiles.load(List.of("kpi.yaml", "plans/kpi.conf"), dir, "plans.files", Map.of());

        Plan expected = new Plan("kpi.yaml", dir.resolve("kpi.yaml").toString(), Map.of(
                "performance", new Level("performance", Duration.ofSeconds(5), Map.of(
                        "status.global", new Domain("status.global", List.of(), Map.of("all", "yes"), Map.of()),
                        "innodb", new Domain("innodb", List.of("trx_rseg_history_len"), Map.of(), Map.of()),
                        "repl", new Domain("repl", List.of(), Map.of(), Map.of("access-denied", "ignore,drop,retry")))),
                "data-size", new Level("data-size", Duration.ofMinutes(60), Map.of(
                        "size.database", new Domain("size.database", List.of(), Map.of(), Map.of())))));
        assertEquals(expected, plans.get(0));
        assertEquals("plans/kpi.conf", plans.get(1).name());
        assertEquals(expected.levels(), plans.get(1).levels());
    }

    @Test
    void globsNameEachPlanByItsPathAsWritten() throws Exception {
        write("plans/b.yaml", "l:\n  freq: 5s\n");
        write("plans/a.yaml", "l:\n  freq: 5s\n");
        write("plans/notes.txt", "not a plan");

        List<Plan> plans = PlanFiles.load(List.of("./plans/*.yaml", "plans/a.yaml"), dir, "plans.files", Map.of());

        assertEquals(List.of("plans/a.yaml", "plans/b.yaml"), plans.stream().map(Plan::name).toList());
        String absolute = dir.resolve("plans") + "/*.yaml";
        assertEquals(List.of(dir.resolve("plans/a.yaml").toString(), dir.resolve("plans/b.yaml").toString()),
                PlanFiles.load(List.of(absolute), Path.of("elsewhere"), "plans.files", Map.of()).stream()
                        .map(Plan::name).toList());
    }

    @Test
    void aLevelsTimeoutIsReadAndMayNotBeLongerThanItsFreq() throws Exception {
        write("ok.yaml", "kpi:\n  freq: 5s\n  timeout: 1s\nsize:\n  freq: 60s\n");
        List<Plan> plans = PlanFiles.load(List.of("ok.yaml"), dir, "plans.files", Map.of());
        assertEquals(Duration.ofSeconds(1), plans.get(0).levels().get("kpi").timeout());
        assertEquals(null, plans.get(0).levels().get("size").timeout(), "none: Blip's limits");

        write("bad.yaml", "kpi:\n  freq: 5s\n  timeout: 10s\nfast:\n  freq: 1s\n  timeout: 0s\n");
        String file = dir.resolve("bad.yaml").toString();
        assertEquals(List.of(
                        file + ":3: kpi.timeout: 10s is longer than the level's freq 5s; a collection must end before"
                                + " the level is due again: make timeout at most freq",
                        file + ":6: fast.timeout: '0s' is not a timeout; write how long a collection of the level may"
                                + " take, e.g. timeout: 2s, or leave it out for Blip's limit (freq less 10%, at most 1s)"),
                assertThrows(ConfigException.class, () -> PlanFiles.load(List.of("bad.yaml"), dir, "plans.files",
                        Map.of())).problems());
    }

    @Test
    void missingPlanFiles() throws Exception {
        assertEquals(List.of(
                        "monitors[0].plans.files[0]: plan file 'missing.yaml' does not exist (looked for "
                                + dir.toAbsolutePath().resolve("missing.yaml") + ")",
                        "monitors[0].plans.files[1]: no plan file matches 'plans/*.yaml' (looked in "
                                + dir.toAbsolutePath().resolve("plans") + ")"),
                assertThrows(ConfigException.class, () -> PlanFiles.load(List.of("missing.yaml", "plans/*.yaml"), dir,
                        "monitors[0].plans.files", Map.of())).problems());
    }

    @Test
    void badPlanFilesGiveFileAndLine() throws Exception {
        write("bad.yaml", """
                kpi:
                  freq: 5 sec
                  colect:
                    status.global: {}
                slow:
                  collect:
                    innodb:
                      metrics: {a: b}
                      option:
                        all: yes
                """);
        Path file = dir.resolve("bad.yaml");
        assertEquals(List.of(
                        file + ":3: kpi.colect: unknown key; did you mean collect?",
                        file + ":2: kpi.freq: '5 sec' is not a duration; write it like 5s, 250ms, 1m30s or 1h",
                        file + ":5: slow: freq: not set; write how often to collect the level, e.g. freq: 5s",
                        file + ":9: slow.collect.innodb.option: unknown key; did you mean options?",
                        file + ":8: slow.collect.innodb.metrics: expected a list of metric names, got a map"),
                assertThrows(ConfigException.class, () -> PlanFiles.load(List.of("bad.yaml"), dir, "plans.files",
                        Map.of())).problems());
    }

    @Test
    void whatCouldBeReadOfAFileWithProblemsIsValidatedWithItsLines() throws IOException {
        write("mixed.yaml", """
                kpi:
                  freq: often
                  collect:
                    status.globl: {}
                slow:
                  freq: 10s
                  collect:
                    status.global:
                      options:
                        every: 1
                      errors:
                        access-denied: sometimes
                """);
        Path file = dir.resolve("mixed.yaml");

        PlanFiles.Read read = PlanFiles.readAll(List.of("mixed.yaml"), dir, "plans.files", Map.of());

        assertEquals(List.of(file + ":2: kpi.freq: 'often' is not a duration; write it like 5s, 250ms, 1m30s or 1h"),
                read.problems());
        assertEquals(List.of("slow"), List.copyOf(read.plans().getFirst().levels().keySet()));
        String at = "plans.files: plan 'mixed.yaml': ";
        assertEquals(List.of(
                        file + ":10: " + at + "slow.collect.status.global.options.every: unknown option;"
                                + " status.global has: all",
                        file + ":12: " + at + "slow.collect.status.global.errors.access-denied: status.global has no"
                                + " errors that a policy can apply to",
                        file + ":12: " + at + "slow.collect.status.global.errors.access-denied: 'sometimes' is not an"
                                + " error policy: unknown word 'sometimes'; write <report>,<metric>,<retry> with"
                                + " report = report|report-once|ignore, metric = drop|zero, retry = retry|stop (any of"
                                + " the three, in that order), e.g. ignore,drop,retry",
                        file + ":4: " + at + "kpi.collect.status.globl: no such domain; available domains: repl,"
                                + " size.database, status.global"),
                PlanValidator.problems(read.files().getFirst(), d -> Optional.ofNullable(PlanValidatorTest.HELP.get(d)),
                        d -> "no such domain; available domains: repl, size.database, status.global", "plans.files"));
    }
}
