package io.blip.runtime.plan;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.PlanChangeConfig;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.config.Durations;
import io.blip.runtime.config.BlipConfig;
import io.blip.runtime.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The plans of one boot: the shared plans (rows of the top-level {@code plans.table} without a
 * {@code monitor_id}, then top-level {@code plans.files}) loaded and validated once, and for each
 * monitor its own plans, the choice among them, interpolation for the monitor and levelling up — in
 * the order {@link PlanTable}/{@link PlanFiles} → {@link PlanValidator} → {@link PlanChooser} →
 * {@link PlanInterpolator} → {@link PlanValidator} again → {@link Leveling} — for the plan it
 * collects and for each state of {@code plans.change} that names a plan.
 */
public final class PlanSet {
    private final BlipConfig config;
    private final Function<String, Optional<CollectorHelp>> helps;
    private final Map<String, String> env;
    private final Function<String, String> unknownDomain;
    private final List<Plan> shared;
    /** Where each key of a shared plan file was written, by the file ({@link Plan#source()}). */
    private final Map<String, PlanLines> sharedLines;
    /** Rows of the plan table with a {@code monitor_id}: plans of that monitor. */
    private final List<PlanTable.Row> monitorRows;

    private PlanSet(BlipConfig config, Function<String, Optional<CollectorHelp>> helps,
                    Function<String, String> unknownDomain,
                    Map<String, String> env, List<Plan> shared, Map<String, PlanLines> sharedLines,
                    List<PlanTable.Row> monitorRows) {
        this.config = config;
        this.helps = helps;
        this.unknownDomain = unknownDomain;
        this.env = Map.copyOf(env);
        this.shared = List.copyOf(shared);
        this.sharedLines = Map.copyOf(sharedLines);
        this.monitorRows = List.copyOf(monitorRows);
    }

    /** Loads and validates the shared plans of {@code plans.files}; see {@link #load(BlipConfig, Function, Function, Map, List)}. */
    public static PlanSet load(BlipConfig config, Function<String, Optional<CollectorHelp>> helps,
                               Function<String, String> unknownDomain, Map<String, String> env) {
        return load(config, helps, unknownDomain, env, List.of());
    }

    /**
     * Loads and validates the shared plans; every problem in every file and row is reported at once.
     *
     * @param helps         the help of a domain by name, if a collector provides it
     * @param unknownDomain what to say about a domain no collector provides (e.g. where it ships)
     * @param tableRows     the rows of the top-level {@code plans.table} ({@link PlanTable#read}), in name order
     */
    public static PlanSet load(BlipConfig config, Function<String, Optional<CollectorHelp>> helps,
                               Function<String, String> unknownDomain, Map<String, String> env,
                               List<PlanTable.Row> tableRows) {
        List<String> problems = new ArrayList<>();
        List<Plan> shared = new ArrayList<>();
        for (PlanTable.Row row : tableRows) {
            problems.addAll(PlanValidator.problems(row.plan(), helps, unknownDomain, "plans.table"));
            if (row.monitorId().isEmpty()) {
                shared.add(row.plan());
            }
        }
        PlanFiles.Read files = PlanFiles.readAll(config.plans().files(), config.baseDir(), "plans.files", env);
        problems.addAll(validate(files, helps, unknownDomain, "plans.files"));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        shared.addAll(files.plans());
        return new PlanSet(config, helps, unknownDomain, env, shared, lines(files),
                tableRows.stream().filter(r -> !r.monitorId().isEmpty()).toList());
    }

    /**
     * The problems of plan files: the parser's, then the validator's for what could be read of each file
     * (a domain no collector provides is reported beside a bad freq elsewhere in the file, in one list).
     */
    private static List<String> validate(PlanFiles.Read files, Function<String, Optional<CollectorHelp>> helps,
                                         Function<String, String> unknownDomain, String configPath) {
        List<String> problems = new ArrayList<>(files.problems());
        for (PlanFiles.PlanFile f : files.files()) {
            problems.addAll(PlanValidator.problems(f, helps, unknownDomain, configPath));
        }
        return problems;
    }

    private static Map<String, PlanLines> lines(PlanFiles.Read files) {
        Map<String, PlanLines> lines = new LinkedHashMap<>();
        files.files().forEach(f -> lines.put(f.plan().source(), f.lines()));
        return lines;
    }

    /**
     * The names the top-level {@code plans.change} gives that no shared or built-in plan has, each
     * a problem: for a config without monitors (with monitors, each monitor checks the names it
     * inherits among its own plans too).
     */
    public List<String> unknownChangePlans() {
        String file = config.file() == null ? "defaults" : config.file().toString();
        MonitorConfig none = MonitorConfig.of("").withOrigin(file);
        List<String> problems = new ArrayList<>();
        for (String state : PlanChangeConfig.STATES) {
            String name = config.plans().change().of(state).plan();
            try {
                if (!name.isEmpty()) {
                    PlanChooser.named(name, file + ": plans.change." + state + ".plan", none, List.of(), shared,
                            config.plans());
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        return problems;
    }

    /**
     * The monitor's plans, each interpolated for it, validated and levelled up.
     *
     * @throws ConfigException listing every problem: in its plan files, its plan's name, each
     *                         {@code plans.change} plan's name
     */
    public MonitorPlans forMonitor(MonitorConfig monitor) {
        String path = monitor.origin() + ".plans.files";
        List<Plan> own = new ArrayList<>();
        monitorRows.stream().filter(r -> r.monitorId().equals(monitor.id())).forEach(r -> own.add(r.plan()));
        PlanFiles.Read files = PlanFiles.readAll(monitor.plans().files(), config.baseDir(), path, env);
        List<String> problems = validate(files, helps, unknownDomain, path);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        own.addAll(files.plans());
        Map<String, PlanLines> lines = new LinkedHashMap<>(sharedLines);
        lines.putAll(lines(files));
        Plan chosen = null;
        try {
            chosen = prepare(PlanChooser.choose(monitor, own, shared, config.plans()), monitor,
                    monitor.origin() + ".plan", lines);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        Map<String, Plan> states = changePlans(monitor, own, monitor.plans().change(), problems, lines);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new MonitorPlans(chosen, monitor.plans().change(), states);
    }

    /**
     * The plan {@code exporter.plan} names for the monitor (one of its own, a shared one, or Blip's
     * built-in {@code default-exporter}): interpolated, validated, and of one level, which a scrape collects.
     *
     * @throws ConfigException when there is no such plan or it has more than one level
     */
    public Plan exporterPlan(MonitorConfig monitor, String name) {
        String at = monitor.origin() + ".exporter.plan";
        List<Plan> own = new ArrayList<>();
        monitorRows.stream().filter(r -> r.monitorId().equals(monitor.id())).forEach(r -> own.add(r.plan()));
        PlanFiles.Read files = PlanFiles.readAll(monitor.plans().files(), config.baseDir(),
                monitor.origin() + ".plans.files", env);
        if (!files.problems().isEmpty()) {
            throw new ConfigException(files.problems());
        }
        own.addAll(files.plans());
        Map<String, PlanLines> lines = new LinkedHashMap<>(sharedLines);
        lines.putAll(lines(files));
        Plan plan = prepare(PlanChooser.named(name, at, monitor, own, shared, config.plans()), monitor, at, lines);
        if (plan.levels().size() != 1) {
            throw new ConfigException(List.of(at + ": plan '" + name + "' has " + plan.levels().size()
                    + " levels; an exporter plan has one, which each scrape collects (e.g. default-exporter)"));
        }
        return plan;
    }

    /** The plan of each state of {@code change} that names one; a problem for each name that is no plan. */
    private Map<String, Plan> changePlans(MonitorConfig monitor, List<Plan> own, PlanChangeConfig change,
                                          List<String> problems, Map<String, PlanLines> lines) {
        Map<String, Plan> byName = new LinkedHashMap<>();
        Map<String, Plan> states = new LinkedHashMap<>();
        for (String state : PlanChangeConfig.STATES) {
            String name = change.of(state).plan();
            if (name.isEmpty()) {
                continue;
            }
            String at = monitor.origin() + ": plans.change." + state + ".plan";
            try {
                Plan plan = byName.get(name);
                if (plan == null) {
                    plan = prepare(PlanChooser.named(name, at, monitor, own, shared, config.plans()), monitor, at,
                            lines);
                    byName.put(name, plan);
                }
                states.put(state, plan);
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        return states;
    }

    /**
     * A plan for the monitor: interpolated, validated again (options may come from the monitor), levelled up.
     *
     * @param lines where the keys of each plan file were written, by file
     */
    private Plan prepare(Plan chosen, MonitorConfig monitor, String at, Map<String, PlanLines> lines) {
        Plan plan = PlanInterpolator.interpolate(chosen, monitor, env);
        List<String> problems = PlanValidator.problems(plan, lines.getOrDefault(plan.source(), PlanLines.NONE),
                helps, unknownDomain, at);
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
