package io.blip.domains.queryresponsetime;

import io.blip.api.MetricValue;

import java.sql.SQLException;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * What one level's TRUNCATEs tell the next collection: whether the last one failed (so the values read
 * since span more than one interval), whether the policy stopped the level, whether a
 * {@code report-once} failure was reported. One per level; collections of a level may overlap, so
 * its methods are synchronized.
 */
final class TruncateState {
    private boolean lastFailed;
    private boolean stopped;
    private boolean reported;

    synchronized boolean stopped() {
        return stopped;
    }

    /**
     * The values to report after a TRUNCATE: as read when it and the one before succeeded; else the
     * failure is reported (or not) as the policy says, and values read after a failed TRUNCATE are
     * dropped or zeroed.
     *
     * @param failure  why the TRUNCATE failed; null when it succeeded
     * @param values   what was read before it
     * @param reporter says a failure and the policy applied
     */
    synchronized List<MetricValue> afterTruncate(SQLException failure, List<MetricValue> values,
                                                 TruncatePolicy policy, BiConsumer<SQLException, TruncatePolicy> reporter) {
        boolean spanMoreThanOneInterval = lastFailed;
        lastFailed = failure != null;
        if (failure != null) {
            boolean say = switch (policy.report()) {
                case REPORT -> true;
                case REPORT_ONCE -> !reported;
                case IGNORE -> false;
            };
            if (say) {
                reported = true;
                reporter.accept(failure, policy);
            }
            stopped = policy.stop();
        }
        if (!spanMoreThanOneInterval) {
            return values;
        }
        return policy.zero() ? values.stream().map(v -> v.withValue(0).withMeta(java.util.Map.of())).toList()
                : List.of();
    }
}
