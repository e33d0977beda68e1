package io.blip.api.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Blip's {@code plans.change}: for each state of MySQL, how long a new state must last before the
 * monitor switches ({@code after}) and the plan it switches to ({@code plan}; empty pauses
 * collection). Plan changing is on when any state names a plan (Blip's {@code Enabled}).
 *
 * @param offline  MySQL cannot be reached or queried
 * @param standby  an HA manager says the instance is a standby ({@code io.blip.api.ha})
 * @param readOnly {@code @@read_only} is on
 * @param active   writable
 */
public record PlanChangeConfig(StatePlan offline, StatePlan standby, StatePlan readOnly, StatePlan active) {
    public static final String OFFLINE = "offline";
    public static final String STANDBY = "standby";
    public static final String READ_ONLY = "read-only";
    public static final String ACTIVE = "active";
    /** The states, as Blip names them in the config and its events. */
    public static final List<String> STATES = List.of(OFFLINE, STANDBY, READ_ONLY, ACTIVE);

    public static final PlanChangeConfig NONE =
            new PlanChangeConfig(StatePlan.NONE, StatePlan.NONE, StatePlan.NONE, StatePlan.NONE);

    /**
     * One state's settings.
     *
     * @param after how long the state must last before the switch; zero switches at the next check
     * @param plan  the plan's name; empty pauses collection in this state
     */
    public record StatePlan(Duration after, String plan) {
        public static final StatePlan NONE = new StatePlan(Duration.ZERO, "");

        public StatePlan {
            after = after == null ? Duration.ZERO : after;
            plan = plan == null ? "" : plan;
        }
    }

    public PlanChangeConfig {
        offline = Objects.requireNonNullElse(offline, StatePlan.NONE);
        standby = Objects.requireNonNullElse(standby, StatePlan.NONE);
        readOnly = Objects.requireNonNullElse(readOnly, StatePlan.NONE);
        active = Objects.requireNonNullElse(active, StatePlan.NONE);
    }

    /** Whether plan changing is on: some state names a plan. */
    public boolean enabled() {
        return STATES.stream().anyMatch(s -> !of(s).plan().isEmpty());
    }

    /** The settings of a state of {@link #STATES}. */
    public StatePlan of(String state) {
        return switch (state) {
            case OFFLINE -> offline;
            case STANDBY -> standby;
            case READ_ONLY -> readOnly;
            case ACTIVE -> active;
            default -> throw new IllegalArgumentException("no state '" + state + "'; states: " + STATES);
        };
    }
}
