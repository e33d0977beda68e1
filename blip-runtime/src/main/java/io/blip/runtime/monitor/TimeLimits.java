package io.blip.runtime.monitor;

import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Blip's time limits ({@code blip.TimeLimit}): a collection of any level must end before the
 * plan's fastest level is due again — its frequency less 10 % (at most 1 s); each domain must
 * end before the fastest level that collects it is due again — its frequency less 20 % (at most
 * 2 s). A value that misses its limit is dropped, so a collection is never delivered late or out of
 * order. A level with a {@code timeout} of its own (set in its plan file, at most its freq) has that
 * as its collections' limit instead; its domains still end at their own limits when sooner.
 *
 * @param collection the limit of a collection of a level without a timeout
 * @param domains    each domain's limit
 * @param levels     the limit of each level that has a timeout
 */
public record TimeLimits(Duration collection, Map<String, Duration> domains, Map<String, Duration> levels) {

    public static TimeLimits of(Plan plan) {
        Duration fastest = null;
        Map<String, Duration> domainFreq = new HashMap<>();
        for (Level level : plan.levels().values()) {
            if (fastest == null || level.freq().compareTo(fastest) < 0) {
                fastest = level.freq();
            }
            for (Domain d : level.collect().values()) {
                domainFreq.merge(d.name(), level.freq(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
        if (fastest == null) {
            return new TimeLimits(Duration.ZERO, Map.of(), Map.of());
        }
        Duration collection = limit(fastest, 0.10, Duration.ofSeconds(1));
        Map<String, Duration> domains = new HashMap<>();
        domainFreq.forEach((d, freq) -> {
            Duration own = limit(freq, 0.20, Duration.ofSeconds(2));
            domains.put(d, own.compareTo(collection) < 0 ? own : collection);
        });
        Map<String, Duration> levels = new HashMap<>();
        plan.levels().values().stream().filter(l -> l.timeout() != null)
                .forEach(l -> levels.put(l.name(), l.timeout()));
        return new TimeLimits(collection, Map.copyOf(domains), Map.copyOf(levels));
    }

    /** {@code freq - min(freq * fraction, max)}, in whole milliseconds. */
    static Duration limit(Duration freq, double fraction, Duration max) {
        Duration cut = Duration.ofMillis((long) Math.floor(freq.toMillis() * fraction));
        if (cut.compareTo(max) > 0) {
            cut = max;
        }
        return freq.minus(cut);
    }

    /** The limit of a collection of this level: its timeout, or Blip's limit. */
    public Duration collection(Level level) {
        return levels.getOrDefault(level.name(), collection);
    }

    /** The longest any collection may take. */
    public Duration longest() {
        return levels.values().stream().reduce(collection, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }

    public Duration domain(String name) {
        return domains.getOrDefault(name, collection);
    }
}
