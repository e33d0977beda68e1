package io.blip.runtime.plan;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.config.Durations;
import io.blip.runtime.config.BlipConfig;
import io.blip.runtime.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The plans of one boot: the shared plans (top-level {@code plans.files}) loaded and validated
 * once, and for each monitor its own plans, the choice among them, interpolation for the monitor
 * and levelling up — in the order {@link PlanFiles} → {@link PlanValidator} → {@link PlanChooser}
 * → {@link PlanInterpolator} → {@link PlanValidator} again → {@link Leveling}.
 */
public final class PlanSet {
    private final BlipConfig config;
    private final Map<String, CollectorHelp> helps;
    private final Map<String, String> env;
    private final Function<String, String> unknownDomain;
    private final List<Plan> shared;

    private PlanSet(BlipConfig config, Map<String, CollectorHelp> helps, Function<String, String> unknownDomain,
                    Map<String, String> env, List<Plan> shared) {
        this.config = config;
        this.helps = Map.copyOf(helps);
        this.unknownDomain = unknownDomain;
        this.env = Map.copyOf(env);
        this.shared = List.copyOf(shared);
    }

    /**
     * Loads and validates the shared plans; every problem in every file is reported at once.
     *
     * @param unknownDomain what to say about a domain no collector provides (e.g. where it ships)
     */
    public static PlanSet load(BlipConfig config, Map<String, CollectorHelp> helps,
                               Function<String, String> unknownDomain, Map<String, String> env) {
        List<Plan> shared = PlanFiles.load(config.plans().files(), config.baseDir(), "plans.files", env);
        List<String> problems = new ArrayList<>();
        for (Plan p : shared) {
            problems.addAll(PlanValidator.problems(p, helps, unknownDomain, "plans.files"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new PlanSet(config, helps, unknownDomain, env, shared);
    }

    /** The monitor's plan, interpolated for it, validated and levelled up. */
    public Plan forMonitor(MonitorConfig monitor) {
        String path = monitor.origin() + ".plans.files";
        List<Plan> own = PlanFiles.load(monitor.plans().files(), config.baseDir(), path, env);
        List<String> problems = new ArrayList<>();
        for (Plan p : own) {
            problems.addAll(PlanValidator.problems(p, helps, unknownDomain, path));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        Plan chosen = PlanChooser.choose(monitor, own, shared, config.plans());
        Plan plan = PlanInterpolator.interpolate(chosen, monitor, env);
        problems.addAll(PlanValidator.problems(plan, helps, unknownDomain, monitor.origin() + ".plan"));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return Leveling.levelUp(plan);
    }

    /** {@code --print-plans}: the shared plans (or the built-in ones when there are none), in plan-file form. */
    public String describeShared() {
        List<Plan> plans = shared.isEmpty() && !config.plans().disableDefaultPlans() ? DefaultPlans.all() : shared;
        StringBuilder b = new StringBuilder();
        for (Plan p : plans) {
            b.append("# plan: ").append(p.name()).append('\n');
            for (Level level : p.levelsByFrequency()) {
                b.append(level.name()).append(":\n");
                b.append("  freq: ").append(Durations.format(level.freq())).append('\n');
                b.append("  collect:\n");
                for (Domain d : level.collect().values()) {
                    boolean empty = d.metrics().isEmpty() && d.options().isEmpty() && d.errors().isEmpty();
                    b.append("    ").append(d.name()).append(empty ? ": {}\n" : ":\n");
                    if (!d.metrics().isEmpty()) {
                        b.append("      metrics: [").append(String.join(", ", d.metrics())).append("]\n");
                    }
                    appendMap(b, "options", d.options());
                    appendMap(b, "errors", d.errors());
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static void appendMap(StringBuilder b, String name, Map<String, String> map) {
        if (map.isEmpty()) {
            return;
        }
        b.append("      ").append(name).append(":\n");
        map.forEach((k, v) -> b.append("        ").append(k).append(": \"").append(v).append("\"\n"));
    }
}
