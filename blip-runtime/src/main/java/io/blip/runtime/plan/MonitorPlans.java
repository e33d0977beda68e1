package io.blip.runtime.plan;

import io.blip.api.config.PlanChangeConfig;
import io.blip.api.plan.Plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A monitor's plans, each interpolated for it, validated and levelled up: the plan it collects,
 * and, when plan changing is on ({@code plans.change}), the plan of each state that names one.
 *
 * @param plan   the plan chosen by precedence ({@code plan}, else the first of the highest scope);
 *               what the monitor collects when plan changing is off
 * @param change the {@code plans.change} settings; {@link PlanChangeConfig#NONE} when off
 * @param states   the plan of each state that names one
 * @param exporter the plan of its scrapes in mysqld_exporter's format ({@code exporter.plan}); null
 *                 for Blip's {@code default-exporter}
 */
public record MonitorPlans(Plan plan, PlanChangeConfig change, Map<String, Plan> states, Plan exporter) {

    public MonitorPlans {
        change = change == null ? PlanChangeConfig.NONE : change;
        states = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(states == null ? Map.of() : states));
    }

    /** Without a plan of its own for scrapes ({@code exporter}: null, Blip's {@code default-exporter}). */
    public MonitorPlans(Plan plan, PlanChangeConfig change, Map<String, Plan> states) {
        this(plan, change, states, null);
    }

    /** These plans, and the one its scrapes in mysqld_exporter's format collect ({@code exporter.plan}). */
    public MonitorPlans withExporter(Plan exporterPlan) {
        return new MonitorPlans(plan, change, states, exporterPlan);
    }

    /** One plan, no plan changing. */
    public static MonitorPlans of(Plan plan) {
        return new MonitorPlans(plan, PlanChangeConfig.NONE, Map.of());
    }

    /** Whether the monitor changes plans by MySQL's state. */
    public boolean changing() {
        return change.enabled();
    }

    /** The plan of a state; empty when the state names none (collection pauses). */
    public Optional<Plan> forState(String state) {
        return Optional.ofNullable(states.get(state));
    }

    /** Every plan the monitor may collect. */
    public List<Plan> all() {
        var all = new ArrayList<Plan>();
        if (!changing()) {
            all.add(plan);
        }
        states.values().stream().filter(p -> !all.contains(p)).forEach(all::add);
        return all;
    }
}
