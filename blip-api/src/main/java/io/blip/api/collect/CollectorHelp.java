package io.blip.api.collect;

import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A domain's description: what {@code --print-domains} prints and what plans are validated against.
 *
 * @param domain      the domain name
 * @param description a one-line description with an example or two
 * @param options     the options a plan may set for the domain; an option not declared here is a plan error
 * @param metrics     the metrics it knows, with types; a domain may collect more (e.g. any status
 *                    variable), so this list is informative unless {@code strictMetrics}
 * @param strictMetrics when true, a plan may only name metrics listed in {@code metrics}
 * @param groups      group keys its values carry (identifying labels)
 * @param meta        meta keys its values carry (annotations)
 * @param errors      errors a plan may give a policy for, by error name
 */
public record CollectorHelp(String domain, String description, OptionSet options,
                            List<MetricHelp> metrics, boolean strictMetrics, List<String> groups,
                            List<String> meta, Map<String, ErrorHelp> errors) {

    public CollectorHelp {
        Objects.requireNonNull(domain, "domain");
        description = description == null ? "" : description;
        options = options == null ? OptionSet.EMPTY : options;
        metrics = List.copyOf(metrics == null ? List.of() : metrics);
        groups = List.copyOf(groups == null ? List.of() : groups);
        meta = List.copyOf(meta == null ? List.of() : meta);
        errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors == null ? Map.of() : errors));
    }

    /** Starts a help description for the given domain. */
    public static Builder builder(String domain, String description) {
        return new Builder(domain, description);
    }

    /** The declared metric with this name, if any. */
    public java.util.Optional<MetricHelp> metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** Builds a {@link CollectorHelp} one declaration at a time. */
    public static final class Builder {
        private final String domain;
        private final String description;
        private final List<Option> options = new java.util.ArrayList<>();
        private final List<MetricHelp> metrics = new java.util.ArrayList<>();
        private final List<String> groups = new java.util.ArrayList<>();
        private final List<String> meta = new java.util.ArrayList<>();
        private final Map<String, ErrorHelp> errors = new LinkedHashMap<>();
        private boolean strictMetrics;

        private Builder(String domain, String description) {
            this.domain = domain;
            this.description = description;
        }

        public Builder option(Option option) {
            options.add(option);
            return this;
        }

        public Builder metric(String name, io.blip.api.MetricType type, String description) {
            return metric(name, type, "", description);
        }

        /** A metric with a unit in UCUM ({@code By}, {@code us}, {@code ms}, {@code s}). */
        public Builder metric(String name, io.blip.api.MetricType type, String unit, String description) {
            metrics.add(new MetricHelp(name, type, unit, description));
            return this;
        }

        public Builder strictMetrics() {
            this.strictMetrics = true;
            return this;
        }

        public Builder group(String key) {
            groups.add(key);
            return this;
        }

        public Builder meta(String key) {
            meta.add(key);
            return this;
        }

        public Builder error(String name, String description, int... mysqlErrorCodes) {
            var codes = new java.util.TreeSet<Integer>();
            for (int code : mysqlErrorCodes) {
                codes.add(code);
            }
            errors.put(name, new ErrorHelp(name, description, codes));
            return this;
        }

        public CollectorHelp build() {
            return new CollectorHelp(domain, description, OptionSet.of(options), metrics, strictMetrics, groups, meta,
                    errors);
        }
    }
}
