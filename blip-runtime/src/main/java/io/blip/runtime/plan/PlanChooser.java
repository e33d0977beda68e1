package io.blip.runtime.plan;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.PlansConfig;
import io.blip.api.plan.Plan;
import io.blip.runtime.config.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Chooses a monitor's plan (Blip's {@code docs/content/plans/loading.md}): scopes in order of
 * precedence are the monitor's plans (rows of the top-level {@code plans.table} whose
 * {@code monitor_id} is the monitor's, then {@code monitors[].plans.files}), the shared plans (rows
 * of {@code plans.table} with no {@code monitor_id}, then top-level {@code plans.files}) and the
 * built-in plans (unless {@code plans.disable-default-plans}); in a table, plans are in name order.
 */
public final class PlanChooser {

    private PlanChooser() {
    }

    /**
     * The plan for a monitor: the one {@code monitors[].plan} names, else the first plan of the
     * highest scope that has any.
     *
     * <p>Blip's code loads the built-in plans only when there are no shared plans, while its docs
     * say a monitor can name a built-in plan: it can, here, whenever they are not disabled. A
     * name is looked up in the monitor's own plans first (Blip's code), then the shared and
     * built-in plans (Blip's docs).
     *
     * @param monitor      the monitor
     * @param monitorPlans the plans of its {@code plans.files} (see {@link PlanFiles})
     * @param sharedPlans  the plans of the top-level {@code plans.files}
     * @param shared       the top-level {@code plans} settings
     * @throws ConfigException when the named plan does not exist, or there is no plan at all
     */
    public static Plan choose(MonitorConfig monitor, List<Plan> monitorPlans, List<Plan> sharedPlans,
                              PlansConfig shared) throws ConfigException {
        if (!monitor.plan().isEmpty()) {
            return named(monitor.plan(), monitor.origin() + ": plan", monitor, monitorPlans, sharedPlans, shared);
        }
        List<Plan> builtIn = builtIn(monitor, shared);
        return first(monitorPlans).or(() -> first(sharedPlans)).or(() -> first(builtIn))
                .orElseThrow(() -> new ConfigException(monitor.origin() + ": no plan to collect: the built-in plans are"
                        + " disabled (plans.disable-default-plans) and no plans.files are given; add a plan file"));
    }

    /**
     * The plan called {@code name}: among the monitor's own plans first (Blip's code), then the
     * shared and built-in plans (Blip's docs).
     *
     * @param at where the name is written, for the message, e.g. {@code blip.yaml: monitors[0]: plan}
     * @throws ConfigException when there is no such plan, naming the plans there are
     */
    public static Plan named(String name, String at, MonitorConfig monitor, List<Plan> monitorPlans,
                             List<Plan> sharedPlans, PlansConfig shared) throws ConfigException {
        List<Plan> builtIn = builtIn(monitor, shared);
        return Stream.of(monitorPlans, sharedPlans, builtIn)
                .flatMap(List::stream)
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new ConfigException(at + ": no plan named '" + name + "'; available: "
                        + String.join(", ", names(monitorPlans, sharedPlans, builtIn))));
    }

    private static List<Plan> builtIn(MonitorConfig monitor, PlansConfig shared) {
        return shared.disableDefaultPlans() || monitor.plans().disableDefaultPlans() ? List.of() : DefaultPlans.all();
    }

    private static Optional<Plan> first(List<Plan> plans) {
        return plans.stream().findFirst();
    }

    private static List<String> names(List<Plan> monitorPlans, List<Plan> sharedPlans, List<Plan> builtIn) {
        var names = new LinkedHashSet<String>();
        Stream.of(monitorPlans, sharedPlans, builtIn).flatMap(List::stream).forEach(p -> names.add(p.name()));
        return names.isEmpty() ? List.of("(none)") : new ArrayList<>(names);
    }
}
