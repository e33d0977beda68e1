package io.blip.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one monitor is doing: what a sink may send along with MySQL's metrics as Blip's own. The
 * runtime makes one after every collection and after every failed attempt to connect; each is a
 * whole snapshot (counters count from {@link #started}), so a sink that falls behind may keep only the
 * latest.
 *
 * @param monitorId the monitor
 * @param time      when this snapshot was taken
 * @param started   when the monitor started: the start of every counter here
 * @param up        whether the last collection (or attempt to connect) reached MySQL: false when
 *                  connecting failed, when a domain lost its connection or was refused, or when every
 *                  domain of the collection failed
 * @param levels    per level collected so far: collections and the last one's duration
 * @param errors    per domain: collections in which it failed or missed its time limit
 * @param skipped   ticks skipped because the last collection was still running
 * @param sinks     the monitor's sinks, in config order, with what the runtime counted for each
 */
public record MonitorHealth(String monitorId, Instant time, Instant started, boolean up, Map<String, Level> levels,
                            Map<String, Long> errors, long skipped, List<Sink> sinks) {

    public MonitorHealth {
        Objects.requireNonNull(monitorId, "monitorId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(started, "started");
        levels = Collections.unmodifiableMap(new LinkedHashMap<>(levels == null ? Map.of() : levels));
        errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors == null ? Map.of() : errors));
        sinks = List.copyOf(sinks == null ? List.of() : sinks);
    }

    /**
     * One level of the plan.
     *
     * @param collections  collections of the level so far
     * @param lastDuration how long the last one took
     */
    public record Level(long collections, Duration lastDuration) {
        public Level {
            Objects.requireNonNull(lastDuration, "lastDuration");
        }
    }

    /**
     * One of the monitor's sinks, as the runtime's delivery counted this monitor's collections.
     *
     * @param name     the sink name from config, e.g. {@code log}
     * @param sent     collections delivered (the sink's send returned)
     * @param queued   collections waiting to be sent
     * @param dropped  collections dropped because the sink was behind and the buffer full (the oldest first)
     * @param rejected collections in requests the receiver refused for good
     * @param failed   collections still not sent when the sink closed
     * @param retries  requests with the monitor's collections that were sent again
     */
    public record Sink(String name, long sent, int queued, long dropped, long rejected, long failed, long retries) {
        public Sink {
            Objects.requireNonNull(name, "name");
        }
    }
}
