package io.blip.runtime.plan;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.PlansConfig;
import io.blip.api.plan.Plan;
import io.blip.runtime.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PlanChooserTest {
    static final Plan P1 = new Plan("p1.yaml", "", Map.of());
    static final Plan P2 = new Plan("p2.yaml", "", Map.of());
    static final Plan FOO = new Plan("foo.yaml", "", Map.of());
    static final Plan BAR = new Plan("bar.yaml", "", Map.of());

    static MonitorConfig monitor(String plan, PlansConfig plans) {
        return new MonitorConfig("db1", "blip.yaml: monitors[0]", null, null, null, null, plans, plan, null, null, null, null);
    }

    @Test
    void precedenceIsMonitorThenSharedThenBuiltIn() throws Exception {
        assertEquals(P1, PlanChooser.choose(monitor("", PlansConfig.EMPTY), List.of(P1, P2), List.of(FOO), PlansConfig.EMPTY));
        assertEquals(FOO, PlanChooser.choose(monitor("", PlansConfig.EMPTY), List.of(), List.of(FOO, BAR), PlansConfig.EMPTY));
        assertEquals(DefaultPlans.defaultMysql(),
                PlanChooser.choose(monitor("", PlansConfig.EMPTY), List.of(), List.of(), PlansConfig.EMPTY));
    }

    @Test
    void aMonitorNamesItsPlan() throws Exception {
        assertEquals(BAR, PlanChooser.choose(monitor("bar.yaml", PlansConfig.EMPTY), List.of(), List.of(FOO, BAR), PlansConfig.EMPTY));
        assertEquals(P2, PlanChooser.choose(monitor("p2.yaml", PlansConfig.EMPTY), List.of(P1, P2), List.of(FOO), PlansConfig.EMPTY));
        assertEquals(DefaultPlans.defaultExporter(),
                PlanChooser.choose(monitor("default-exporter", PlansConfig.EMPTY), List.of(), List.of(FOO), PlansConfig.EMPTY));
    }

    @Test
    void errors() {
        var noDefaults = new PlansConfig(List.of(), "", true);
        assertEquals("blip.yaml: monitors[0]: plan: no plan named 'baz.yaml'; available: foo.yaml, bar.yaml",
                assertThrows(ConfigException.class, () -> PlanChooser.choose(monitor("baz.yaml", PlansConfig.EMPTY),
                        List.of(), List.of(FOO, BAR), noDefaults)).getMessage());
        assertEquals("blip.yaml: monitors[0]: no plan to collect: the built-in plans are disabled"
                        + " (plans.disable-default-plans) and no plans.files are given; add a plan file",
                assertThrows(ConfigException.class, () -> PlanChooser.choose(monitor("", PlansConfig.EMPTY),
                        List.of(), List.of(), noDefaults)).getMessage());
    }
}
