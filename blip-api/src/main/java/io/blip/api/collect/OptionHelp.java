package io.blip.api.collect;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One option a domain (or sink) accepts.
 *
 * @param name         the option name, e.g. {@code all}
 * @param description  what it does
 * @param defaultValue the value used when the plan does not set it; empty for none
 * @param values       allowed values with their meaning; empty means any value is allowed
 * @param secret       true when the value is a secret (masked in every output)
 */
public record OptionHelp(String name, String description, String defaultValue, Map<String, String> values,
                         boolean secret) {

    public OptionHelp {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        defaultValue = defaultValue == null ? "" : defaultValue;
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values == null ? Map.of() : values));
    }

    /** An option that takes any value. */
    public static OptionHelp of(String name, String description, String defaultValue) {
        return new OptionHelp(name, description, defaultValue, Map.of(), false);
    }

    /** An option that takes one of the given values: pairs of value and meaning. */
    public static OptionHelp oneOf(String name, String description, String defaultValue, String... valueAndMeaning) {
        if (valueAndMeaning.length % 2 != 0) {
            throw new IllegalArgumentException("values come in pairs of value and meaning");
        }
        var values = new LinkedHashMap<String, String>();
        for (int i = 0; i < valueAndMeaning.length; i += 2) {
            values.put(valueAndMeaning[i], valueAndMeaning[i + 1]);
        }
        return new OptionHelp(name, description, defaultValue, values, false);
    }

    /** An option whose value is a secret. */
    public static OptionHelp secret(String name, String description) {
        return new OptionHelp(name, description, "", Map.of(), true);
    }

    /** Whether {@code value} is allowed. */
    public boolean allows(String value) {
        return values.isEmpty() || values.containsKey(value);
    }
}
