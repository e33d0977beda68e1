package io.blip.runtime.monitor;

import io.blip.api.config.PlanChangeConfig;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import io.blip.runtime.event.Event;
import io.blip.runtime.plan.MonitorPlans;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blip's plan changer ({@code monitor/plan_changer.go}): decides when a monitor changes plans by
 * MySQL's state ({@code plans.change}). Each check observes the state; a state other than the
 * current one becomes pending ({@code state-change-begin}) and must still be observed
 * {@code after} later for the switch ({@code state-change-end}); seeing the current state again
 * first drops it ({@code state-change-abort}). While the monitor is offline, checks back off (1 s,
 * doubling, up to 60 s, as Blip's backoff). The switch itself is the monitor's ({@link Switch});
 * when it fails ({@code change-plan-error}) the state stays pending and the next check tries again.
 * Checks are serial: the monitor runs one at a time.
 */
final class PlanChanger {
    private static final Logger LOG = LoggerFactory.getLogger(PlanChanger.class);
    private static final Duration MAX_OFFLINE_BACKOFF = Duration.ofSeconds(60);

    /** Makes the monitor collect a state's plan, or pause when it has none; throws when it cannot. */
    interface Switch {
        void to(String state, Optional<Plan> plan) throws Exception;
    }

    private final String monitorId;
    private final MonitorPlans plans;
    private final Switch target;
    private final Time time;
    // Guarded by this.
    private String current = PlanChangeConfig.OFFLINE;
    private Instant since;
    private String pending = "";
    private Instant pendingSince;
    private Duration backoff = Duration.ofSeconds(1);
    /** The first second of the level clock at which the next check is due. */
    private long nextCheck = Long.MIN_VALUE;
    private String lastError = "";
    /** What {@link #status} shows, published after each start and check so that reading it never waits for a switch. */
    private volatile Map<String, Object> status = Map.of("plan-state", PlanChangeConfig.OFFLINE);

    PlanChanger(String monitorId, MonitorPlans plans, Switch target, Time time) {
        this.monitorId = monitorId;
        this.plans = plans;
        this.target = target;
        this.time = time;
    }

    /**
     * Starts in the state observed on connecting: its plan at once, without waiting {@code after}
     * (Blip's first change, made when it boots into a state).
     *
     * @throws Exception when the state's plan cannot be prepared
     */
    synchronized void start(String observed) throws Exception {
        change(observed);
        current = observed;
        since = time.now();
        pending = "";
        nextCheck = since.getEpochSecond() + 1;
        publish();
        LOG.info("{}: monitor {}: {} (at start)", Event.STATE_CHANGE_END, monitorId, observed);
    }

    /** Whether a check is due at this second of the level clock (every second; while offline, after the backoff). */
    synchronized boolean due(long epochSecond) {
        return epochSecond >= nextCheck;
    }

    /** Acts on one observation of MySQL's state, made at this second of the level clock. */
    synchronized void observe(String observed, long epochSecond) {
        Instant now = time.now();
        if (observed.equals(current)) {
            if (!pending.isEmpty()) {
                LOG.info("{}: monitor {}: {} (back to {} before {} passed)", Event.STATE_CHANGE_ABORT, monitorId,
                        pending, current, format(plans.change().of(pending).after()));
                pending = "";
            }
        } else if (observed.equals(pending)) {
            if (Duration.between(pendingSince, now).compareTo(plans.change().of(pending).after()) >= 0
                    && changeLogged(pending)) {
                current = pending;
                since = now;
                pending = "";
                LOG.info("{}: monitor {}: {}", Event.STATE_CHANGE_END, monitorId, current);
            }
        } else {
            pending = observed;
            pendingSince = now;
            backoff = Duration.ofSeconds(1);
            LOG.info("{}: monitor {}: {} (from {}); switching after {}", Event.STATE_CHANGE_BEGIN, monitorId, observed,
                    current, format(plans.change().of(observed).after()));
        }
        boolean offline = current.equals(PlanChangeConfig.OFFLINE) && pending.isEmpty();
        nextCheck = epochSecond + (offline ? backoff : Duration.ofSeconds(1)).toSeconds();
        if (offline) {
            backoff = backoff.multipliedBy(2).compareTo(MAX_OFFLINE_BACKOFF) > 0 ? MAX_OFFLINE_BACKOFF
                    : backoff.multipliedBy(2);
        } else {
            backoff = Duration.ofSeconds(1);
        }
        publish();
    }

    /** Switches to the state's plan; false (and {@code change-plan-error}) when that failed. */
    private boolean changeLogged(String state) {
        try {
            change(state);
            lastError = "";
            return true;
        } catch (Exception e) {
            lastError = Engine.message(e);
            publish();
            LOG.warn("{}: monitor {}: state:{} plan:{}: {}; trying again at the next check", Event.CHANGE_PLAN_ERROR,
                    monitorId, state, plans.change().of(state).plan(), lastError);
            return false;
        }
    }

    private void change(String state) throws Exception {
        Optional<Plan> plan = plans.forState(state);
        if (plan.isEmpty()) {
            target.to(state, plan); // pauses: Blip sends no change-plan events for it
            return;
        }
        String change = "state:" + current + " plan:" + plans.change().of(current).plan() + " -> state:" + state
                + " plan:" + plan.get().name();
        LOG.info("{}: monitor {}: {}", Event.CHANGE_PLAN, monitorId, change);
        target.to(state, plan);
        LOG.info("{}: monitor {}: {}", Event.CHANGE_PLAN_SUCCESS, monitorId, change);
    }

    /**
     * For the monitor's status: MySQL's state and since when ({@code plan-state}; Blip's status
     * calls it {@code state}, which our status uses for the monitor's own), what is pending, the last
     * error.
     */
    Map<String, Object> status() {
        return status;
    }

    /** The state whose plan the monitor collects (or, with none, pauses in). */
    String state() {
        return String.valueOf(status.get("plan-state")).split(" ")[0];
    }

    private void publish() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("plan-state", current + (since == null ? "" : " since " + since));
        if (!pending.isEmpty()) {
            s.put("plan-state-pending", pending + " since " + pendingSince + ", switching after "
                    + format(plans.change().of(pending).after()));
        }
        if (!lastError.isEmpty()) {
            s.put("error:plan-changer", lastError);
        }
        status = java.util.Collections.unmodifiableMap(s);
    }

    private static String format(Duration d) {
        return io.blip.api.config.Durations.format(d);
    }
}
