package io.blip.api.plan;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A level of a plan: the domains to collect every {@code freq}.
 *
 * @param name    the level name, unique in its plan
 * @param freq    how often it is collected; whole seconds, unique in its plan
 * @param collect domains to collect, by domain name
 * @param timeout how long a collection of this level may take (a plan file's {@code timeout}, which
 *                Blip's test plans set); null when the plan sets none and Blip's time limits apply
 */
public record Level(String name, Duration freq, Map<String, Domain> collect, Duration timeout) {

    public Level {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(freq, "freq");
        collect = Collections.unmodifiableMap(new LinkedHashMap<>(collect == null ? Map.of() : collect));
    }

    /** A level without a timeout of its own. */
    public Level(String name, Duration freq, Map<String, Domain> collect) {
        this(name, freq, collect, null);
    }

    /** This level collecting {@code collect} instead, with the same name, freq and timeout. */
    public Level withCollect(Map<String, Domain> collect) {
        return new Level(name, freq, collect, timeout);
    }
}
