package io.blip.api.collect;

import io.blip.api.plan.Plan;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a collector's {@code prepare} built for each level of the plan. It is immutable and a
 * collector keeps it in a volatile field, so a new plan is swapped in whole while {@code collect}
 * calls for other levels go on reading the old one. {@link PerLevelCollector} keeps one so that its
 * subclasses need not.
 *
 * @param domain the domain, for messages
 * @param levels the state of each level that collects the domain, by level name, in the order given
 *               (the plan's, fastest first, when made by {@link #of})
 * @param <T>    the per-level state
 */
public record PerLevel<T>(String domain, Map<String, T> levels) {

    public PerLevel {
        Objects.requireNonNull(domain, "domain");
        var copy = new LinkedHashMap<String, T>();
        levels.forEach((level, state) -> copy.put(Objects.requireNonNull(level, "level"),
                Objects.requireNonNull(state, () -> domain + ": no state for level '" + level + "'")));
        levels = Collections.unmodifiableMap(copy);
    }

    /**
     * Prepares each level of the plan that collects the help's domain (checked against the help by
     * {@link LevelDomain#in}), fastest first.
     */
    public static <T> PerLevel<T> of(Plan plan, CollectorHelp help, Function<LevelDomain, T> prepareLevel) {
        var prepared = new LinkedHashMap<String, T>();
        for (LevelDomain at : LevelDomain.in(plan, help)) {
            prepared.put(at.level(), prepareLevel.apply(at));
        }
        return new PerLevel<>(help.domain(), prepared);
    }

    /** Nothing prepared yet. */
    public static <T> PerLevel<T> none(String domain) {
        return new PerLevel<>(domain, Map.of());
    }

    /**
     * The same levels, each state replaced by what {@code f} makes of it, in the same order: for what
     * {@code prepare} learns after it built the levels, e.g. the server's version.
     */
    public <U> PerLevel<U> map(Function<? super T, ? extends U> f) {
        var mapped = new LinkedHashMap<String, U>();
        levels.forEach((level, state) -> mapped.put(level, f.apply(state)));
        return new PerLevel<>(domain, mapped);
    }

    /**
     * The state of a level.
     *
     * @throws IllegalStateException when the prepared plan has no such level collecting the domain:
     *                               the engine asked for a level it did not prepare
     */
    public T at(String level) {
        T state = levels.get(level);
        if (state == null) {
            throw new IllegalStateException(levels.isEmpty()
                    ? domain + ": collect(" + level + ") before prepare"
                    : domain + ": level '" + level + "' does not collect this domain in the prepared plan; levels: "
                            + levels.keySet());
        }
        return state;
    }
}
