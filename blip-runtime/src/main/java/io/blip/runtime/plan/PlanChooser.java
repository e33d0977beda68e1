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
 * precedence are the monitor's plans ({@code monitors[].plans.files}), the shared plans (top-level
 * {@code plans.files}) and the built-in plans (unless {@code plans.disable-default-plans}).
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
     * @throws ConfigException when the named plan does not exist, there is no plan at all, or a
     *                         plan table is configured
     */
    public static Plan choose(MonitorConfig monitor, List<Plan> monitorPlans, List<Plan> sharedPlans,
                              PlansConfig shared) throws ConfigException {
        for (PlansConfig p : List.of(shared, monitor.plans())) {
            if (!p.table().isEmpty()) {
                throw new ConfigException(monitor.origin() + ": plans.table: reading plans from a table is not"
                        + " supported yet; load plans with plans.files");
            }
        }
        List<Plan> builtIn = shared.disableDefaultPlans() || monitor.plans().disableDefaultPlans()
                ? List.of()
                : DefaultPlans.all();
        if (!monitor.plan().isEmpty()) {
            return Stream.of(monitorPlans, sharedPlans, builtIn)
                    .flatMap(List::stream)
                    .filter(p -> p.name().equals(monitor.plan()))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException(monitor.origin() + ": plan: no plan named '" + monitor.plan()
                            + "'; available: " + String.join(", ", names(monitorPlans, sharedPlans, builtIn))));
        }
        return first(monitorPlans).or(() -> first(sharedPlans)).or(() -> first(builtIn))
                .orElseThrow(() -> new ConfigException(monitor.origin() + ": no plan to collect: the built-in plans are"
                        + " disabled (plans.disable-default-plans) and no plans.files are given; add a plan file"));
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
