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
 */
public record Level(String name, Duration freq, Map<String, Domain> collect) {

    public Level {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(freq, "freq");
        collect = Collections.unmodifiableMap(new LinkedHashMap<>(collect == null ? Map.of() : collect));
    }
}
