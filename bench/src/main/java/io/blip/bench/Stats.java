package io.blip.bench;

import java.util.Collection;
import java.util.List;

/** Percentiles the way the results file states them: nearest rank, on the values measured. */
final class Stats {
    private Stats() {
    }

    /** The value at percentile {@code p} (0 to 100) by nearest rank; NaN for no values. */
    static double percentile(Collection<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.clamp(rank - 1, 0, sorted.size() - 1));
    }

    static double median(Collection<Double> values) {
        return percentile(values, 50);
    }

    static double min(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
