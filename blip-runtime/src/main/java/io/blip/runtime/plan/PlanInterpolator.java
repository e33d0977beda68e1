package io.blip.runtime.plan;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.runtime.config.ConfigException;
import io.blip.runtime.config.Interpolation;
import io.blip.runtime.config.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Fills in {@code ${ENV}} and {@code %{monitor.x}} in a plan's option values for one monitor
 * (Blip's {@code Plan.InterpolateEnvVars} and {@code Plan.InterpolateMonitor}), with the config's
 * interpolation rules.
 */
public final class PlanInterpolator {
    private static final Logger log = LoggerFactory.getLogger(PlanInterpolator.class);

    private PlanInterpolator() {
    }

    /**
     * The plan with its option values interpolated for the monitor.
     *
     * @throws ConfigException for an unknown {@code %{monitor.x}} field
     */
    public static Plan interpolate(Plan plan, MonitorConfig monitor, Map<String, String> env) throws ConfigException {
        var problems = new Problems();
        UnaryOperator<String> fields = Interpolation.fieldsOf(monitor);
        var levels = new LinkedHashMap<String, Level>();
        plan.levels().forEach((levelName, level) -> {
            var collect = new LinkedHashMap<String, Domain>();
            level.collect().forEach((domainName, domain) -> {
                var options = new LinkedHashMap<String, String>();
                domain.options().forEach((key, value) -> {
                    String at = "plan '" + plan.name() + "': " + levelName + ".collect." + domainName + ".options." + key;
                    String v = Interpolation.env(value, env, name ->
                            log.debug("{}: {}: ${{{}}} is not set; using an empty string", monitor.id(), at, name));
                    try {
                        v = Interpolation.monitor(v, fields);
                    } catch (BlipException e) {
                        problems.add(monitor.id() + ": " + at + ": " + e.getMessage());
                    }
                    options.put(key, v);
                });
                collect.put(domainName, new Domain(domain.name(), domain.metrics(), options, domain.errors()));
            });
            levels.put(levelName, level.withCollect(collect));
        });
        problems.throwIfAny();
        return new Plan(plan.name(), plan.source(), levels);
    }
}
