package io.blip.api.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a level collects from one domain.
 *
 * @param name    the domain name (e.g. {@code status.global})
 * @param metrics metric names to collect; empty means the collector's default
 * @param options collector options (validated against the collector's help)
 * @param errors  error policies by error name, e.g. {@code access-denied: ignore,drop,retry}
 */
public record Domain(String name, List<String> metrics, Map<String, String> options, Map<String, String> errors) {

    public Domain {
        Objects.requireNonNull(name, "name");
        metrics = List.copyOf(metrics == null ? List.of() : metrics);
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options == null ? Map.of() : options));
        errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors == null ? Map.of() : errors));
    }

    /** The option value, or {@code fallback} when the plan does not set it. */
    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }
}
