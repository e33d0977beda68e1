package io.blip.api.sink;

import java.util.List;
import java.util.Objects;

/**
 * A metric family in the exposition text format's model: its name, help, type, label names, and samples, each with its label
 * values in the order of the names. What {@link ExporterNaming} makes of a collection.
 */
public record PromFamily(String name, String help, Type type, List<String> labelNames, List<Sample> samples) {

    /** The families' types as the text format names them ({@link #text()}). */
    public enum Type {
        COUNTER, GAUGE, UNTYPED;

        /** {@code counter}, {@code gauge}, {@code untyped}. */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One sample: its label values, in the order of the family's label names, and its value. */
    public record Sample(List<String> labelValues, double value) {
        public Sample {
            labelValues = List.copyOf(labelValues);
        }
    }

    public PromFamily {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(type, "type");
        labelNames = List.copyOf(labelNames);
        samples = List.copyOf(samples);
        for (Sample s : samples) {
            if (s.labelValues().size() != labelNames.size()) {
                throw new IllegalArgumentException(name + ": a sample has " + s.labelValues().size()
                        + " label values for " + labelNames.size() + " label names");
            }
        }
    }
}
