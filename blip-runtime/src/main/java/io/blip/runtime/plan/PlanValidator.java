package io.blip.runtime.plan;

import io.blip.api.BlipException;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.MetricHelp;
import io.blip.api.config.Option;
import io.blip.api.config.Durations;
import io.blip.api.plan.Domain;
import io.blip.api.plan.ErrorPolicy;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.runtime.config.Interpolation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks a plan against the domains that exist (Blip's {@code Plan.Validate} and
 * {@code plan.ValidatePlans}), and reports every problem at once.
 */
public final class PlanValidator {
    /** Metric names go into SQL: letters, digits, {@code _} and {@code -} only (Blip's rule). */
    private static final Pattern METRIC = Pattern.compile("^[a-zA-Z0-9_-]*$");

    private PlanValidator() {
    }

    /**
     * The plan's problems, each as {@code <configPath>: plan '<name>': <where>: <what>}; empty when
     * it is valid. An option value with a variable ({@code ${X}}, {@code %{monitor.x}}) is not
     * checked against the allowed values: validate the plan again after interpolating it for a
     * monitor.
     *
     * @param helpByDomain the registered collectors' help by domain name
     * @param configPath   where the plan comes from, e.g. {@code plans.files}
     */
    public static List<String> problems(Plan plan, Map<String, CollectorHelp> helpByDomain, String configPath) {
        String available = "no such domain; available domains: " + String.join(", ", new TreeSet<>(helpByDomain.keySet()));
        return problems(plan, d -> Optional.ofNullable(helpByDomain.get(d)), d -> available, configPath);
    }

    /**
     * Like {@link #problems(Plan, Map, String)}, with the advice for an unknown domain given by the
     * caller (e.g. which plugin directory ships it).
     *
     * @param unknownDomain what to say about a domain name no collector provides
     */
    public static List<String> problems(Plan plan, Map<String, CollectorHelp> helpByDomain,
                                        Function<String, String> unknownDomain, String configPath) {
        return problems(plan, d -> Optional.ofNullable(helpByDomain.get(d)), unknownDomain, configPath);
    }

    /**
     * Like {@link #problems(Plan, Map, String)} when the domains cannot be listed: a message about
     * an unknown domain points to {@code blip --print-domains} instead of listing them.
     */
    public static List<String> problems(Plan plan, Function<String, Optional<CollectorHelp>> helpByDomain,
                                        String configPath) {
        return problems(plan, helpByDomain, d -> "no such domain; run blip --print-domains to list them", configPath);
    }

    /**
     * Like {@link #problems(Plan, Map, Function, String)}, the help of a domain looked up by name
     * (a collector may be loaded when asked for).
     */
    public static List<String> problems(Plan plan, Function<String, Optional<CollectorHelp>> helpByDomain,
                                        Function<String, String> unknownDomain, String configPath) {
        return problems(plan, PlanLines.NONE, helpByDomain, unknownDomain, configPath);
    }

    /**
     * What could be read of a plan file checked as {@link #problems(Plan, Function, Function, String)} checks
     * a plan, the domains of its levels without a readable freq too; each problem begins with the file
     * and line of what it is about: {@code <file>:<line>: <configPath>: plan '<name>': <where>: <what>}.
     */
    public static List<String> problems(PlanFiles.PlanFile file, Function<String, Optional<CollectorHelp>> helpByDomain,
                                        Function<String, String> unknownDomain, String configPath) {
        var check = new Check(file.plan(), file.lines(), configPath, helpByDomain, unknownDomain);
        check.plan();
        file.unscheduled().forEach(check::domains);
        return check.out;
    }

    /**
     * Like {@link #problems(Plan, Function, Function, String)}, each problem beginning with the file and
     * line {@code lines} gives for what it is about.
     */
    public static List<String> problems(Plan plan, PlanLines lines, Function<String, Optional<CollectorHelp>> helpByDomain,
                                        Function<String, String> unknownDomain, String configPath) {
        var check = new Check(plan, lines, configPath, helpByDomain, unknownDomain);
        check.plan();
        return check.out;
    }

    /** One plan's check: its problems in {@code out}. */
    private static final class Check {
        private final Plan plan;
        private final PlanLines lines;
        private final String configPath;
        private final Function<String, Optional<CollectorHelp>> helpByDomain;
        private final Function<String, String> unknownDomain;
        private final List<String> out = new ArrayList<>();

        Check(Plan plan, PlanLines lines, String configPath, Function<String, Optional<CollectorHelp>> helpByDomain,
              Function<String, String> unknownDomain) {
            this.plan = plan;
            this.lines = lines;
            this.configPath = configPath;
            this.helpByDomain = helpByDomain;
            this.unknownDomain = unknownDomain;
        }

        /** {@code [<file>:<line>: ]<configPath>: plan '<name>': <path>}, for a path in the plan. */
        private String at(String path) {
            return lines.of(path).map(o -> o + ": ").orElse("") + configPath + ": plan '" + plan.name() + "': " + path;
        }

        private void add(String path, String what) {
            out.add(at(path) + ": " + what);
        }

        void plan() {
            var levelByFreq = new HashMap<Duration, String>();
            for (Level level : plan.levelsByFrequency()) {
                String firstLevel = levelByFreq.putIfAbsent(level.freq(), level.name());
                if (plan.levels().get(level.name()) != level) {
                    add(level.name(), "the level is filed under another name; a level's key and name must be the same");
                }
                if (firstLevel != null) {
                    add(level.name() + ".freq", Durations.format(level.freq()) + " is also the frequency of level "
                            + firstLevel + "; each level needs its own frequency");
                }
                checkFreq(level.freq(), level.name() + ".freq");
                domains(level.name(), level.collect());
            }
        }

        void domains(String level, Map<String, Domain> collect) {
            collect.forEach((name, domain) -> {
                String where = level + ".collect." + name;
                if (!name.equals(domain.name())) {
                    add(where, "the domain is filed under another name (" + domain.name() + ")");
                }
                checkMetricNames(domain, where);
                Optional<CollectorHelp> help = helpByDomain.apply(name);
                if (help.isEmpty()) {
                    add(where, unknownDomain.apply(name));
                } else {
                    checkAgainstHelp(domain, help.get(), where);
                }
            });
        }

        /** Levels are collected on 1 s ticks, so a frequency is a whole number of seconds. */
        private void checkFreq(Duration freq, String at) {
            if (freq.compareTo(Duration.ofSeconds(1)) < 0) {
                add(at, Durations.format(freq) + " is too short; a level's frequency is at least 1s");
            } else if (freq.toNanosPart() != 0) {
                add(at, Durations.format(freq) + " is not a whole number of seconds; levels are collected on 1s ticks");
            }
        }

        private void checkMetricNames(Domain domain, String where) {
            for (String metric : domain.metrics()) {
                if (!METRIC.matcher(metric).matches()) {
                    add(where + ".metrics", "'" + metric + "' is not a metric name; use letters, digits, _ and - only");
                }
            }
        }

        private void checkAgainstHelp(Domain domain, CollectorHelp help, String where) {
            if (help.strictMetrics()) {
                // Compared without case: Blip lowercases metric names (its docs write wait.io.table's COUNT_WRITE).
                var known = help.metrics().stream().map(MetricHelp::name).toList();
                var lower = known.stream().map(k -> k.toLowerCase(java.util.Locale.ROOT)).toList();
                domain.metrics().stream().filter(m -> !lower.contains(m.toLowerCase(java.util.Locale.ROOT)))
                        .forEach(m -> add(where + ".metrics", "'" + m + "' is not a metric of " + help.domain()
                                + "; it has: " + String.join(", ", known)));
            }
            domain.options().forEach((key, value) -> {
                Optional<Option> option = help.options().get(key);
                if (option.isEmpty()) {
                    add(where + ".options." + key, help.options().isEmpty()
                            ? help.domain() + " has no options"
                            : "unknown option; " + help.domain() + " has: " + String.join(", ", help.options().keys()));
                } else if (!Interpolation.hasVariable(value) && option.get().problem(value) != null) {
                    add(where + ".options." + key, option.get().problem(value));
                }
            });
            domain.errors().forEach((name, policy) -> {
                String at = where + ".errors." + name;
                if (!help.errors().containsKey(name)) {
                    add(at, help.errors().isEmpty()
                            ? help.domain() + " has no errors that a policy can apply to"
                            : "unknown error; " + help.domain() + " has: " + String.join(", ", help.errors().keySet()));
                }
                try {
                    ErrorPolicy.parse(at(at), policy);
                } catch (BlipException e) {
                    out.add(e.getMessage());
                }
            });
        }
    }
}
