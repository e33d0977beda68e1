package io.blip.runtime.plan;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.Option;
import io.blip.api.config.MonitorConfig;
import io.blip.api.plan.Plan;
import io.blip.runtime.config.BlipConfig;
import io.blip.runtime.config.ConfigLoader;
import io.blip.runtime.config.Declarations;
import io.blip.runtime.config.LoadContext;
import io.blip.api.config.OptionSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What boot does with a Blip config: load it, load and check the plans, give each monitor its plan. */
class ConfigToPlanTest {

    @Test
    void blipConfigWithAPlanFile(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("plans"));
        Files.writeString(dir.resolve("plans/kpi.yaml"), """
                kpi:
                  freq: 5s
                  collect:
                    status.global:
                      metrics: [queries, threads_running]
                sizes:
                  freq: 20s
                  collect:
                    status.global:
                      metrics: [bytes_sent]
                    size.database:
                      options:
                        exclude: "${EXCLUDE:-mysql,sys},%{monitor.meta.skip}"
                """);
        Files.writeString(dir.resolve("blip.yaml"), """
                plans:
                  files: [plans/kpi.yaml]
                monitors:
                  - hostname: db1
                    meta:
                      skip: tmp
                  - hostname: db2
                    plan: default-mysql
                """);
        Map<String, String> env = Map.of();
        var help = Map.of(
                "status.global", CollectorHelp.builder("status.global", "").build(),
                "size.database", CollectorHelp.builder("size.database", "")
                        .option(Option.string("exclude", "")).build());

        BlipConfig config = ConfigLoader.load(dir.resolve("blip.yaml"), LoadContext.of(env, Declarations.NONE.withSink("log", OptionSet.EMPTY)));
        List<Plan> shared = PlanFiles.load(config.plans().files(), config.baseDir(), "plans.files", env);
        shared.forEach(p -> assertEquals(List.of(), PlanValidator.problems(p, help, "plans.files")));

        MonitorConfig db1 = config.monitors().get(0);
        Plan plan = Leveling.levelUp(PlanInterpolator.interpolate(
                PlanChooser.choose(db1, List.of(), shared, config.plans()), db1, env));
        assertEquals("plans/kpi.yaml", plan.name());
        assertEquals(Duration.ofSeconds(20), plan.levels().get("sizes").freq());
        assertEquals(List.of("bytes_sent", "queries", "threads_running"),
                plan.levels().get("sizes").collect().get("status.global").metrics());
        assertEquals("mysql,sys,tmp", plan.levels().get("sizes").collect().get("size.database").option("exclude", ""));

        MonitorConfig db2 = config.monitors().get(1);
        assertEquals("default-mysql", PlanChooser.choose(db2, List.of(), shared, config.plans()).name());
    }
}
