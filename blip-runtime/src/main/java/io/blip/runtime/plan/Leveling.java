package io.blip.runtime.plan;

import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * "Leveling up" (Blip's {@code plan/sort.go}): when a level's frequency is a multiple of a lower
 * level's, both are due at the same tick, so the higher level also collects the lower level's
 * domains and metrics. A plan writes "collect X every 5s and Y every 20s"; its leveled form says
 * "X every 5s, X and Y every 20s".
 */
public final class Leveling {

    private Leveling() {
    }

    /**
     * A new plan whose levels are in ascending frequency order and complete: each level holds,
     * besides its own domains, those of every lower level whose frequency divides its own. Metrics
     * are appended (own metrics first, then from the nearest lower level down), without
     * duplicates; options and error policies of a lower level are copied when the higher level
     * does not set them. Each level takes from the lower levels as written, not as leveled, as
     * Blip does.
     */
    public static Plan levelUp(Plan plan) {
        List<Level> sorted = plan.levelsByFrequency();
        var result = new LinkedHashMap<String, Level>();
        for (int hi = 0; hi < sorted.size(); hi++) {
            Level higher = sorted.get(hi);
            var collect = new LinkedHashMap<String, Domain>(higher.collect());
            for (int lo = hi - 1; lo >= 0; lo--) {
                Level lower = sorted.get(lo);
                long lowerNanos = lower.freq().toNanos();
                if (lowerNanos <= 0 || higher.freq().toNanos() % lowerNanos != 0) {
                    continue;
                }
                lower.collect().forEach((name, domain) -> collect.merge(name, domain, Leveling::inherit));
            }
            result.put(higher.name(), higher.withCollect(collect));
        }
        return new Plan(plan.name(), plan.source(), result);
    }

    /** The higher level's domain with the lower level's metrics, options and errors added. */
    private static Domain inherit(Domain higher, Domain lower) {
        var metrics = new ArrayList<>(higher.metrics());
        lower.metrics().stream().filter(m -> !metrics.contains(m)).forEach(metrics::add);
        var options = new LinkedHashMap<>(higher.options());
        lower.options().forEach(options::putIfAbsent);
        var errors = new LinkedHashMap<>(higher.errors());
        lower.errors().forEach(errors::putIfAbsent);
        return new Domain(higher.name(), metrics, options, errors);
    }
}
