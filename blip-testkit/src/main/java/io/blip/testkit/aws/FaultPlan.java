package io.blip.testkit.aws;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Which fault a fake answers its next call with: queued ones first ({@link #failNext}), then a
 * sticky one ({@link #failAlways}) until {@link #heal}; {@code null} serves the call.
 *
 * @param <F> the fake's fault kinds
 */
final class FaultPlan<F> {
    private final Deque<F> next = new ArrayDeque<>();
    private F always;

    synchronized void failNext(F fault, int times) {
        for (int i = 0; i < times; i++) {
            next.addLast(fault);
        }
    }

    synchronized void failAlways(F fault) {
        always = fault;
    }

    synchronized void heal() {
        always = null;
        next.clear();
    }

    /** The fault for this call, or {@code null} to serve it. */
    synchronized F take() {
        return next.isEmpty() ? always : next.pollFirst();
    }
}
