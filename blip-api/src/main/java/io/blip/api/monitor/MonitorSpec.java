package io.blip.api.monitor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A monitor found by a {@link MonitorLoader}, in Blip's config shape: values are strings, lists of
 * strings, or nested maps ({@code {"id": "db1", "hostname": "db1.x:3306", "tags": {"env": "prod"}}}).
 *
 * @param origin where it came from, for messages (e.g. {@code inventory us-east-1})
 * @param config the monitor's keys
 */
public record MonitorSpec(String origin, Map<String, Object> config) {
    public MonitorSpec {
        Objects.requireNonNull(origin, "origin");
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config == null ? Map.of() : config));
    }
}
