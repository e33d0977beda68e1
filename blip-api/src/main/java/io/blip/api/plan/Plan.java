package io.blip.api.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A plan: levels of domains collected at different frequencies.
 *
 * @param name   the plan name (a file plan's name is its path as written in the config)
 * @param source where it came from: {@code blip} (built in), a file path, or a plugin
 * @param levels levels by name
 */
public record Plan(String name, String source, Map<String, Level> levels) {

    public Plan {
        Objects.requireNonNull(name, "name");
        source = source == null ? "" : source;
        levels = Collections.unmodifiableMap(new LinkedHashMap<>(levels == null ? Map.of() : levels));
    }

    /** Levels sorted by ascending frequency. */
    public List<Level> levelsByFrequency() {
        return levels.values().stream()
                .sorted(java.util.Comparator.comparing(Level::freq))
                .toList();
    }
}
