package io.blip.api.collect;

import io.blip.api.BlipException;
import io.blip.api.config.Option;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * A domain as one level of a plan asks for it, read against the domain's {@link CollectorHelp}.
 *
 * <p>The plan loader validates options before a collector sees them, but a collector does not
 * trust that: a plan built by a plugin or a test may skip validation, and a wrong value must fail
 * {@code prepare} with a message that names the domain, level, option and value, not a query.
 *
 * @param level  the level name
 * @param domain what the level says about the domain
 * @param help   the domain's help
 */
public record LevelDomain(String level, Domain domain, CollectorHelp help) {

    /**
     * The levels of the plan that collect the domain, fastest first, each checked: every option is
     * declared and has an allowed value, and when the domain's metrics are strict, every metric is
     * declared.
     *
     * @throws BlipException naming the first wrong option or metric
     */
    public static List<LevelDomain> in(Plan plan, CollectorHelp help) {
        var out = new ArrayList<LevelDomain>();
        for (Level level : plan.levelsByFrequency()) {
            Domain domain = level.collect().get(help.domain());
            if (domain != null) {
                var at = new LevelDomain(level.name(), domain, help);
                at.check();
                out.add(at);
            }
        }
        return out;
    }

    private void check() {
        for (String name : domain.options().keySet()) {
            if (help.options().get(name).isEmpty()) {
                throw error("unknown option '" + name + "'; options: " + help.options().keys());
            }
            option(name);
        }
        if (help.strictMetrics()) {
            var known = help.metrics().stream().map(MetricHelp::name).toList();
            for (String metric : metrics()) {
                if (!known.contains(metric)) {
                    throw error("unknown metric '" + metric + "'; metrics: " + known);
                }
            }
        }
    }

    /**
     * The option's value at this level, or its default.
     *
     * @throws BlipException when the value is not one the option allows
     */
    public String option(String name) {
        Option option = help.options().get(name).orElseThrow(() ->
                new IllegalArgumentException(help.domain() + " declares no option '" + name + "'"));
        String value = domain.option(name, option.defaultValue());
        if (!option.allows(value)) {
            throw error("option " + name + "='" + value + "' is not one of " + option.values().keySet());
        }
        return value;
    }

    /** Whether a yes/no option is {@code yes}. */
    public boolean yes(String name) {
        return option(name).equals("yes");
    }

    /** A comma-separated option as a list, each item trimmed, empty items left out. */
    public List<String> list(String name) {
        return Arrays.stream(option(name).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The metrics the level lists, lowercase (Blip's metric names are), without repeats. */
    public List<String> metrics() {
        var names = new LinkedHashSet<String>();
        for (String metric : domain.metrics()) {
            names.add(metric.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(names);
    }

    /**
     * The metrics the level lists or, when it lists none, every metric the domain declares: the
     * default of domains that collect a fixed set, like {@code trx} or {@code size.table}.
     */
    public List<String> metricsOrAllDeclared() {
        List<String> listed = metrics();
        return listed.isEmpty() ? help.metrics().stream().map(MetricHelp::name).toList() : listed;
    }

    /** An error about this level's use of the domain: {@code status.global: level 'kpi': ...}. */
    public BlipException error(String message) {
        return new BlipException(help.domain() + ": level '" + level + "': " + message);
    }

    /** Like {@link #error(String)}, with the cause. */
    public BlipException error(String message, Throwable cause) {
        return new BlipException(help.domain() + ": level '" + level + "': " + message, cause);
    }
}
