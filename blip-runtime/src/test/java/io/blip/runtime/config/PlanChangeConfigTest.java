package io.blip.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.PlanChangeConfig;
import io.blip.api.config.PlanChangeConfig.StatePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plans.change}, {@code plans.table} and {@code plans.monitor} as the config loader reads them. */
class PlanChangeConfigTest {
    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("blip.yaml"), text);
    }

    private BlipConfig load(String text) throws IOException {
        return ConfigLoader.load(write(text), TestDeclarations.context(Map.of()));
    }

    private List<String> problems(String text) throws IOException {
        Path file = write(text);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, TestDeclarations.context(Map.of())))
                .problems();
    }

    @Test
    void changeIsAMonitorDefaultStateByStateAndKeyByKey() throws Exception {
        BlipConfig c = load("""
                plans:
                  change:
                    offline:
                      after: 30s
                      plan: ""
                    read-only:
                      after: 1m
                      plan: ro.yaml
                    active:
                      plan: default-mysql
                monitors:
                  - hostname: db1
                  - hostname: db2
                    plans:
                      change:
                        read-only:
                          plan: replica.yaml
                """);
        assertEquals(new PlanChangeConfig(new StatePlan(Duration.ofSeconds(30), ""), StatePlan.NONE,
                new StatePlan(Duration.ofMinutes(1), "ro.yaml"), new StatePlan(Duration.ZERO, "default-mysql")),
                c.plans().change());
        assertEquals(c.plans().change(), c.monitors().get(0).plans().change());
        PlanChangeConfig db2 = c.monitors().get(1).plans().change();
        assertEquals(new StatePlan(Duration.ofMinutes(1), "replica.yaml"), db2.readOnly(),
                "its own plan, the default's after");
        assertEquals(new StatePlan(Duration.ofSeconds(30), ""), db2.offline());
        assertEquals(List.of(), c.monitors().get(1).plans().files(), "only change is inherited of plans");
    }

    @Test
    void blipsDocExampleWithEveryValueEmptyLoadsAndLeavesPlanChangingOff() throws Exception {
        BlipConfig c = load("""
                plans:
                  change:
                    offline:
                      after: ""
                      plan: ""
                    standby:
                      after: ""
                      plan: ""
                    read-only:
                      after: ""
                      plan: ""
                    active:
                      after: ""
                      plan: ""
                """);
        assertEquals(PlanChangeConfig.NONE, c.plans().change());
    }

    @Test
    void badValuesAreErrorsNamingFileLineKeyAndValue() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(
                        file + ":6: plans.change.ro: unknown key; valid keys here: offline, standby, read-only, active",
                        file + ":4: plans.change.read-only.after: '5 minutes' is not a duration; write it like 5s,"
                                + " 250ms, 1m30s or 1h",
                        file + ":11: monitors[0].plans.change.active.after: '-1s' is not a duration; write it like"
                                + " 5s, 250ms, 1m30s or 1h"),
                problems("""
                        plans:
                          change:
                            read-only:
                              after: 5 minutes
                              plan: ro.yaml
                            ro:
                              plan: x
                        monitors:
                          - hostname: db1
                            plans:
                              change: {active: {after: -1s, plan: a.yaml}}
                        """));
    }

    @Test
    void planTableAndTheMonitorThatHoldsIt() throws Exception {
        BlipConfig c = load("""
                mysql:
                  username: blip
                plans:
                  table: blip.plans
                  monitor:
                    hostname: plans-db:3306
                    password: secret
                """);
        assertEquals("blip.plans", c.plans().table());
        MonitorConfig holder = c.plans().monitor();
        assertEquals("plans-db:3306", holder.mysql().hostname());
        assertEquals("blip", holder.mysql().username(), "built like a monitor, with the monitor defaults");
        assertNull(ConfigLoader.load(write("monitors: [{hostname: db1}]"), TestDeclarations.context(Map.of()))
                .plans().monitor());
    }

    @Test
    void planTableProblems() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(file + ":2: plans.table: 'blip.plans.x' is not a table name; write database.table or"
                        + " table (in database blip), e.g. blip.plans",
                        file + ":2: plans.table: plans.monitor is not set; set it to the MySQL instance that holds the"
                                + " table (hostname, username, ... as in a monitor)"),
                problems("""
                        plans:
                          table: blip.plans.x
                        """));
        assertEquals(List.of(file + ":2: plans.monitor: plans.table is not set; plans.monitor is only the MySQL"
                        + " instance that holds plans.table: set the table (e.g. blip.plans) or remove plans.monitor"),
                problems("""
                        plans:
                          monitor:
                            hostname: db1
                        """));
        assertEquals(List.of(file + ":4: monitors[0].plans.monitor: not supported in a monitor: plans.monitor belongs in the top-level plans"
                        + " section: the MySQL instance that holds the top-level plans.table"),
                problems("""
                        monitors:
                          - hostname: db1
                            plans:
                              monitor:
                                hostname: db2
                        """));
    }
}
