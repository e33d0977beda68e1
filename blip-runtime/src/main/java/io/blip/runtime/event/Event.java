package io.blip.runtime.event;

import java.util.Optional;

/**
 * Blip's events ({@code event/list.go}), by the names Blip gives them: the first word of the log line
 * that reports one, {@code <event>: monitor <id>: <message>} for a monitor's, {@code <event>: <message>}
 * for the server's. Each is logged at the level it has always had here: errors and warnings go to
 * STDERR, the rest to STDOUT with {@code --log} (debug ones with {@code --debug}).
 *
 * <p>The names are Blip's, spelling and all: {@link #REPL_SOURCE_CHANGE} is {@code repl-soruce-change},
 * as Blip emits it, so that what reads Blip's events reads ours. {@link #toString()} is the name, so a
 * constant goes into a log call as its first argument: {@code LOG.info("{}: monitor {}: ...",
 * Event.CONNECTED, id)}.
 *
 * <p>Three of Blip's events cannot happen here ({@link #notEmitted()} says why); every other is logged
 * somewhere ({@code EventCoverageTest} checks both).
 */
public enum Event {
    // ------------------------------------------------------------------ the server

    /** INFO: boot begins; the very first line. */
    BOOT_START("boot-start"),
    /** INFO: the config file boot reads (or that there is none). */
    BOOT_CONFIG_LOADING("boot-config-loading"),
    /** INFO: the config, its plans and monitors were read and checked. */
    BOOT_CONFIG_LOADED("boot-config-loaded"),
    /** ERROR: the config, its plans or monitors have problems (listed above the line); Blip exits. */
    BOOT_CONFIG_INVALID("boot-config-invalid"),
    /** ERROR: boot failed otherwise (plugin layers, the API's address, building a monitor); Blip exits. */
    BOOT_ERROR("boot-error"),
    /** INFO: boot built every monitor. */
    BOOT_SUCCESS("boot-success"),
    /** INFO: a reload begins. */
    MONITORS_LOADING("monitors-loading"),
    /** INFO: monitors were loaded: by a monitor loader, by local auto-detection, by a reload. */
    MONITORS_LOADED("monitors-loaded"),
    /** INFO: the server starts a set of monitors (at boot, or those a reload added or changed). */
    MONITORS_STARTING("monitors-starting"),
    /** INFO: every monitor of that set was started; each connects in its turn. */
    MONITORS_STARTED("monitors-started"),
    /** WARN: a reload would stop more monitors than {@code monitor-loader.stop-loss} allows; nothing changed. */
    MONITORS_STOPLOSS("monitors-stoploss"),
    /** ERROR: a reload found problems; the running monitors are kept. */
    MONITORS_RELOAD_ERROR("monitors-reload-error"),
    /** ERROR: a monitor loader plugin threw an unexpected exception (Go: a panic in a loader). */
    MONITOR_LOADER_PANIC("monitor-loader-panic"),
    /** INFO: plans shared by monitors were loaded: the plan files (or Blip's built-in plans), the plan table. */
    PLANS_LOAD_SHARED("plans-load-shared"),
    /** DEBUG: a monitor's plans were chosen (one line per monitor, so debug here; INFO in Blip). */
    PLANS_LOAD_MONITOR("plans-load-monitor"),
    /** INFO: the server runs its monitors. */
    SERVER_RUN("server-run"),
    /** INFO: the server stopped every monitor and closed. */
    SERVER_STOPPED("server-stopped"),
    /**
     * ERROR: the API could not answer a request (its handlers could not be made); DEBUG when only the
     * reply could not be written, which a client that hung up causes.
     */
    SERVER_API_ERROR("server-api-error"),
    /** ERROR: an API handler threw an unexpected exception; the request gets a 500 (Go: a panic). */
    SERVER_API_PANIC("server-api-panic"),

    // ------------------------------------------------------------------ a monitor

    /** INFO: a monitor was started: it connects after its turn in the start spread. */
    MONITOR_STARTED("monitor-started"),
    /** INFO: a monitor begins connecting to MySQL (once per start; retries are {@link #MONITOR_ERROR}). */
    CONNECTING("connecting"),
    /** INFO: connected, plan prepared: the plan it collects and its levels (or that its state has none). */
    CONNECTED("connected"),
    /**
     * WARN: the monitor cannot connect (it retries with backoff), or its HA manager failed (taken as
     * not a standby).
     */
    MONITOR_ERROR("monitor-error"),
    /**
     * ERROR: the monitor's tick, or its plan changer's check, threw an unexpected exception (Go: a panic in
     * the monitor).
     */
    MONITOR_PANIC("monitor-panic"),
    /** INFO: a monitor stopped. */
    MONITOR_STOPPED("monitor-stopped"),
    /** DEBUG: the monitor's collectors are prepared for a plan. */
    ENGINE_PREPARE("engine-prepare"),
    /** WARN: a collector could not be prepared; on connecting, the monitor retries with backoff. */
    ENGINE_PREPARE_ERROR("engine-prepare-error"),
    /** DEBUG: every collector was prepared for the plan. */
    ENGINE_PREPARE_SUCCESS("engine-prepare-success"),
    /** WARN: a collection did not reach MySQL: its domains failed for want of a connection. */
    ENGINE_COLLECT_ERROR("engine-collect-error"),
    /** WARN: a domain was cut off, or never started, at the collection's time limit; its values dropped. */
    ENGINE_EMR_TIMEOUT("engine-emr-timeout"),
    /** ERROR: collecting a level threw an unexpected exception (Go: a panic in the level collector). */
    LCO_COLLECT_PANIC("lco-collect-panic"),
    /** ERROR: handing a collection to the sinks threw an unexpected exception. */
    LCO_RECEIVER_PANIC("lco-receiver-panic"),
    /** INFO: {@code plans.change}: the state has no plan; collection pauses. */
    LCO_PAUSED("lco-paused"),
    /** INFO: {@code plans.change}: collection resumes after a pause. */
    LCO_RUNNING("lco-running"),
    /** WARN: a sink is behind and the monitor's lane is full: its oldest collection is dropped. */
    LCO_METRICS_FAULT("lco-metrics-fault"),
    /** INFO: {@code plans.change}: MySQL's state changed; the switch waits its {@code after}. */
    STATE_CHANGE_BEGIN("state-change-begin"),
    /** INFO: {@code plans.change}: the new state lasted its {@code after} (or was found on connecting). */
    STATE_CHANGE_END("state-change-end"),
    /** INFO: {@code plans.change}: the state went back before its {@code after} passed. */
    STATE_CHANGE_ABORT("state-change-abort"),
    /** INFO: {@code plans.change}: switching to the state's plan. */
    CHANGE_PLAN("change-plan"),
    /** WARN: {@code plans.change}: the state's plan could not be prepared; tried again at the next check. */
    CHANGE_PLAN_ERROR("change-plan-error"),
    /** INFO: {@code plans.change}: the monitor collects the new plan from the next second. */
    CHANGE_PLAN_SUCCESS("change-plan-success"),
    /** WARN: after "access denied", asking the credential source again failed. */
    DB_RELOAD_PASSWORD_ERROR("db-reload-password-error"),
    /**
     * INFO: {@code repl.lag} now reads the heartbeat of another source. Blip's spelling, kept so that what
     * matches Blip's events matches ours (logged by the {@code repl.lag} domain, in blip-domains).
     */
    REPL_SOURCE_CHANGE("repl-soruce-change"),

    // ------------------------------------------------------------------ collectors

    /** WARN: a domain ran past its own time limit and was cut off; its values dropped. */
    COLLECTOR_CMR_TIMEOUT("collector-cmr-timeout"),
    /** WARN: a domain failed (an SQL error, or one its plan declares, reported by its error policy). */
    COLLECTOR_ERROR("collector-error"),
    /** WARN: a domain threw an unexpected exception: a bug in the collector (Go: a panic in a collector). */
    COLLECTOR_PANIC("collector-panic"),
    /**
     * WARN: a domain cut off at its limit went on running a second or more after it: it ignores
     * interruption, and holds a query thread meanwhile.
     */
    COLLECTOR_FAULT("collector-fault"),
    /** Not emitted. */
    DROP_METRICS_FENCE("drop-metrics-fence", "Blip fences off the late values of a collector that ran past its"
            + " limit into a later interval; here a domain cut off at its limit has its values dropped there and then"
            + " (collector-cmr-timeout): each collection keeps its own results, so late values never reach another"),
    /** Not emitted. */
    DROP_METRICS_FLUSH("drop-metrics-flush", "Blip drops a collection when the engine's channel to the level"
            + " collector is full; here the engine hands a collection to the monitor on the thread that ends it, with"
            + " nothing in between to fill up (a full sink lane is lco-metrics-fault)"),
    /** Not emitted. */
    DROP_METRICS_RUNTIME("drop-metrics-runtime", "Blip declares it and never emits it (a to-do in its engine);"
            + " here a collection that outruns its time limit is cut off there (engine-emr-timeout)"),

    // ------------------------------------------------------------------ sinks

    /** WARN: a sink could not encode a collection (or a health snapshot); it is dropped. */
    SINK_INVALID_METRICS("sink-invalid-metrics"),
    /** ERROR: the receiver refused a send (the first time for each kind of refusal; DEBUG after); dropped. */
    SINK_SERVER_ERROR("sink-server-error"),
    /** WARN: a send failed (retried with backoff), or collections were still unsent when the sink closed. */
    SINK_SEND_ERROR("sink-send-error");

    private final String blipName;
    private final String notEmitted;

    Event(String blipName) {
        this(blipName, null);
    }

    Event(String blipName, String notEmitted) {
        this.blipName = blipName;
        this.notEmitted = notEmitted;
    }

    /** The name Blip gives the event. */
    public String blipName() {
        return blipName;
    }

    /** Why the event cannot happen in this design; empty for the events that are logged. */
    public Optional<String> notEmitted() {
        return Optional.ofNullable(notEmitted);
    }

    /** {@link #blipName()}, so that a log call's {@code {}} writes it. */
    @Override
    public String toString() {
        return blipName;
    }
}
