package io.blip.api.ha;

/**
 * What a high-availability manager knows about one monitored MySQL instance (Blip's
 * {@code ha.Manager}): whether it is a passive standby. Asked once a second by a monitor that has
 * plan changing on ({@code plans.change}), before MySQL's {@code read_only} is looked at.
 */
public interface HaManager {

    /** Whether the instance is a standby now. Must answer quickly; does not throw. */
    boolean standby();
}
