package io.blip.api.ha;

import io.blip.api.config.MonitorConfig;

/**
 * Makes the {@link HaManager} of a monitor (Blip's {@code ha.ManagerFactory}, which Blip's
 * {@code ha.Register} installs). Found with {@link java.util.ServiceLoader}; at most one may be
 * installed. With none, no monitor is ever in the {@code standby} state, as in Blip.
 */
public interface HaManagerFactory {

    /** The provider name, for {@code --print-plugins} and messages. */
    String name();

    /** The manager of one monitor; called once per monitor with plan changing on, when it is built. */
    HaManager make(MonitorConfig monitor) throws Exception;
}
