package io.blip.runtime.api;

import io.blip.api.MonitorHealth;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the API asks of the running server. The server implements it; {@link ApiServer} turns each
 * answer into Blip's JSON and status codes. Every text here may reach an HTTP client: it must
 * carry no secret (DSNs redacted, config masked). Calls come on the API's request threads, several
 * at once; a control ({@link #reload}, {@link #start}, {@link #stop}) may block until it is done.
 */
public interface ApiBackend {

    /** {@code GET /status}: the server as a whole. */
    ServerStatus status();

    /**
     * {@code GET /status/monitors}: per monitor id, Blip's component → text map ({@code monitor},
     * {@code dsn}, {@code engine-plan}, {@code level-collect}, {@code error:<domain>}, a sink's name, ...).
     */
    Map<String, Map<String, String>> monitorStatus();

    /** {@code GET /status/monitor/internal?id=}: one monitor in detail; empty when no such monitor is loaded. */
    Optional<MonitorInternal> monitorInternal(String monitorId);

    /** {@code GET /monitors}: every loaded monitor's id → its redacted DSN. */
    Map<String, String> monitors();

    /** {@code GET /registered}: the collector (domain) and sink names plugins provide. */
    Registered registered();

    /**
     * {@code GET /config}: the final config with secrets masked, as {@code ConfigPrinter.tree}
     * gives it: maps, lists, strings, numbers and booleans.
     */
    Map<String, Object> config();

    /** {@code GET /debug}: toggles debug logging; returns whether it is now on. */
    boolean toggleDebug();

    /** {@code GET /ready}: which monitors' last collection is not fresh, and why. */
    Readiness readiness();

    /**
     * {@code POST /monitors/reload}: re-reads the monitor sources and applies the difference. An
     * invalid monitor file keeps the running set and answers {@link Outcome.Conflict} with every
     * problem; a reload while another runs is a conflict too.
     */
    Outcome reload();

    /**
     * {@code GET /probe?target=}: one monitor scraped in mysqld_exporter's format (Prometheus' text
     * format, UTF-8), as the exporter's multi-target {@code /probe} answers; empty when no such monitor is loaded.
     *
     * @throws InterruptedException when the request is dropped while the scrape runs
     */
    Optional<byte[]> probe(String monitorId) throws InterruptedException;

    /** {@code GET /metrics}: Blip's own health in Prometheus' text format. */
    String metrics();

    /** {@code POST /monitors/start?id=}: starts a stopped monitor, through the loader's own bookkeeping. */
    Outcome start(String monitorId);

    /** {@code POST /monitors/stop?id=}: stops a monitor without unloading it (status still reports it). */
    Outcome stop(String monitorId);

    /**
     * The server as {@code GET /status} reports it (the API adds {@code version} and {@code uptime}).
     *
     * @param started       when the server started running monitors: {@code started}, and the origin of {@code uptime}
     * @param server        what the server is doing, e.g. {@code running since 2026-12-04T21:00:00Z}
     * @param monitorLoader the last load, e.g. {@code 3 monitors started at ...}
     * @param monitors      how many monitors are loaded
     * @param shard         which shard of {@code monitor-loader.shard} this instance is, and what each owns; empty without
     */
    record ServerStatus(Instant started, String server, String monitorLoader, int monitors, String shard) {
        public ServerStatus {
            Objects.requireNonNull(started, "started");
            server = server == null ? "" : server;
            monitorLoader = monitorLoader == null ? "" : monitorLoader;
            shard = shard == null ? "" : shard;
        }
    }

    /**
     * One monitor in detail, Blip's {@code proto.MonitorStatus} (the API writes Blip's Go field
     * names: {@code MonitorId}, {@code DSN}, {@code Started}, {@code Collector}, {@code Error}).
     *
     * @param monitorId   the monitor
     * @param dsn         its redacted DSN
     * @param started     whether it is started (running or connecting), not stopped
     * @param state       what it is doing: {@code new}, {@code connecting}, {@code running}, {@code stopped}
     * @param plan        the plan it collects
     * @param error       its last error; empty for none
     * @param lastHealth  its health after the last collection or failed connect, when there was one
     */
    record MonitorInternal(String monitorId, String dsn, boolean started, String state, String plan, String error,
                           Optional<MonitorHealth> lastHealth) {
        public MonitorInternal {
            Objects.requireNonNull(monitorId, "monitorId");
            dsn = dsn == null ? "" : dsn;
            state = state == null ? "" : state;
            plan = plan == null ? "" : plan;
            error = error == null ? "" : error;
            lastHealth = lastHealth == null ? Optional.empty() : lastHealth;
        }
    }

    /** What plugins provide, by name; the API sorts them. */
    record Registered(List<String> collectors, List<String> sinks) {
        public Registered {
            collectors = List.copyOf(collectors);
            sinks = List.copyOf(sinks);
        }
    }

    /**
     * Whether every monitor's last collection is fresh.
     *
     * @param notReady per monitor that is not: why, e.g. {@code no collection yet} or
     *                 {@code last collection 12s ago; level 'kpi' runs every 1s}
     */
    record Readiness(Map<String, String> notReady) {
        public static final Readiness READY = new Readiness(Map.of());

        public Readiness {
            notReady = Collections.unmodifiableMap(new TreeMap<>(notReady));
        }

        public boolean ready() {
            return notReady.isEmpty();
        }
    }

    /** How a control ended; the API maps each kind to Blip's status code. */
    sealed interface Outcome {
        /** 200: done. */
        record Done() implements Outcome {
        }

        /** 404: no monitor with that id is loaded. */
        record UnknownMonitor(String monitorId) implements Outcome {
        }

        /**
         * 409: not done, and why: already in that state, a reload is running, or the reload found
         * problems (every one listed; the running monitors are kept).
         */
        record Conflict(List<String> problems) implements Outcome {
            public Conflict {
                problems = List.copyOf(problems);
            }

            public Conflict(String problem) {
                this(List.of(problem));
            }
        }

        /** 412: stop-loss refused a reload that would have dropped too many monitors. */
        record StopLoss(String why) implements Outcome {
        }

        Outcome DONE = new Done();
    }
}
