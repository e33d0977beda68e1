package io.blip.domains.perconaresponsetime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The plugin's histogram: a bucket per upper bound ({@code TIME}, seconds), with the number of queries
 * that took up to that long ({@code COUNT}) and the time they took in all ({@code TOTAL}, seconds).
 * A percentile is Blip's: the first bucket, by bound, whose running count reaches {@code p} of all
 * queries; its value is that bucket's mean time. The {@code TOO LONG} row (queries slower than the
 * last bound) has no time to give and is left out, of the count too, as in Blip.
 */
final class QrtHistogram {

    /** One row of the plugin's table. */
    record Bucket(double bound, long count, double total) {
        /**
         * The row as a bucket; null for the {@code TOO LONG} row.
         *
         * @throws IllegalArgumentException naming the column and value that is not a number
         */
        static Bucket parse(String time, long count, String total) {
            String bound = time.strip();
            if (bound.equals("TOO LONG")) {
                return null;
            }
            return new Bucket(number("TIME", bound), count, number("TOTAL", total.strip()));
        }

        private static double number(String column, String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("QUERY_RESPONSE_TIME." + column + " '" + value
                        + "' is not a number");
            }
        }
    }

    /**
     * @param seconds the bucket's mean response time
     * @param reached the fraction of queries up to and in that bucket
     */
    record Result(double seconds, double reached) {
    }

    private final List<Bucket> buckets;
    private final long count;

    QrtHistogram(List<Bucket> rows) {
        var sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble(Bucket::bound));
        this.buckets = List.copyOf(sorted);
        this.count = sorted.stream().mapToLong(Bucket::count).sum();
    }

    /** The percentile {@code p} (a fraction); empty when no query was counted. */
    Optional<Result> percentile(double p) {
        if (count == 0) {
            return Optional.empty();
        }
        double rank = count * p;
        long running = 0;
        for (Bucket b : buckets) {
            running += b.count();
            if (b.count() > 0 && running >= rank) {
                return Optional.of(new Result(b.total() / b.count(), (double) running / count));
            }
        }
        return Optional.empty(); // not reached: p above 1
    }
}
