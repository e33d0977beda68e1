package io.blip.runtime.plan;

import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.runtime.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PlanInterpolatorTest {
    static final MonitorConfig DB1 = new MonitorConfig("db1", "blip.yaml: monitors[0]",
            new MysqlConfig("db1.local:3306", "", "", "metrics", Secret.of("pw"), "", null, ""),
            null, null, null, null, "", null, Map.of("env", "prod"), Map.of("repl-source-id", "db0"), null);

    static Plan plan(Map<String, String> options) {
        return new Plan("p", "p.yaml", Map.of("l", new Level("l", Duration.ofSeconds(5),
                Map.of("repl.lag", new Domain("repl.lag", List.of("current"), options, Map.of())))));
    }

    @Test
    void optionValuesTakeEnvAndMonitorVariables() throws Exception {
        Plan p = PlanInterpolator.interpolate(plan(Map.of(
                "source", "%{monitor.meta.repl-source-id}",
                "table", "${HB_DB:-blip}.heartbeat_%{monitor.tags.env}",
                "host", "%{monitor.hostname}/%{monitor.id}/%{monitor.timeout-connect}")), DB1, Map.of());

        assertEquals(Map.of("source", "db0", "table", "blip.heartbeat_prod", "host", "db1.local:3306/db1/5s"),
                p.levels().get("l").collect().get("repl.lag").options());
        assertEquals(List.of("current"), p.levels().get("l").collect().get("repl.lag").metrics());
    }

    @Test
    void unknownMonitorVariable() {
        assertEquals("db1: plan 'p': l.collect.repl.lag.options.source: unknown monitor variable %{monitor.host};"
                        + " use one of %{monitor.id}, %{monitor.hostname}, %{monitor.socket}, %{monitor.mycnf},"
                        + " %{monitor.username}, %{monitor.password}, %{monitor.password-file},"
                        + " %{monitor.timeout-connect}, %{monitor.tags.<key>}, %{monitor.meta.<key>}",
                assertThrows(ConfigException.class, () -> PlanInterpolator.interpolate(
                        plan(Map.of("source", "%{monitor.host}")), DB1, Map.of())).getMessage());
    }
}
