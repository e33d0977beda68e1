package io.blip.runtime;

import io.blip.api.MonitorHealth;
import io.blip.runtime.monitor.LevelClock;
import io.blip.runtime.monitor.Monitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One line a minute that says a healthy Blip is healthy, also without {@code --log} (then on STDERR, as
 * STDOUT may carry the log sink's metrics), unless {@code --quiet} or {@code logging.quiet}: {@code summary: monitors 2/2 up; 24 collections; sink log: sent 24,
 * dropped 0}, counted since the last line from the monitors' health. Ticked by the level clock, so in
 * tests it runs on virtual time.
 */
final class Summary implements LevelClock.Ticker {
    static final int EVERY_SECONDS = 60;
    private static final Logger LOG = LoggerFactory.getLogger(Summary.class);

    private final Supplier<List<Monitor>> monitors;
    /** The counts of the last line by monitor and what was counted; the clock's thread only. */
    private Map<String, Long> last = Map.of();
    private long next = Long.MIN_VALUE;

    Summary(Supplier<List<Monitor>> monitors) {
        this.monitors = monitors;
    }

    @Override
    public int everySeconds() {
        return EVERY_SECONDS;
    }

    @Override
    public void tick(long epochSecond) {
        if (next == Long.MIN_VALUE) {
            next = epochSecond + EVERY_SECONDS;
            last = counts(monitors.get());
            return;
        }
        if (epochSecond < next) {
            return;
        }
        next = epochSecond + EVERY_SECONDS;
        List<Monitor> all = monitors.get();
        Map<String, Long> now = counts(all);
        long up = all.stream().filter(m -> m.lastHealth().map(MonitorHealth::up).orElse(false)).count();
        LOG.info("{}", line(up, all.size(), last, now));
        last = now;
    }

    /** The line: the counts since {@code before}; a monitor that restarted counts from zero. */
    static String line(long up, int total, Map<String, Long> before, Map<String, Long> now) {
        long collections = 0;
        var sinks = new TreeMap<String, long[]>();
        for (var e : now.entrySet()) {
            long since = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
            String[] key = e.getKey().split("\u0000");
            switch (key[1]) {
                case "collections" -> collections += since;
                case "sent" -> sinks.computeIfAbsent(key[2], k -> new long[2])[0] += since;
                default -> sinks.computeIfAbsent(key[2], k -> new long[2])[1] += since;
            }
        }
        var line = new StringBuilder("summary: monitors ").append(up).append('/').append(total).append(" up; ")
                .append(collections).append(" collections");
        sinks.forEach((name, c) -> line.append("; sink ").append(name).append(": sent ").append(c[0])
                .append(", dropped ").append(c[1]));
        return line.toString();
    }

    /** Each monitor's counts so far, keyed {@code id\0collections}, {@code id\0sent\0sink}, {@code id\0dropped\0sink}. */
    private static Map<String, Long> counts(List<Monitor> monitors) {
        var out = new HashMap<String, Long>();
        for (Monitor m : monitors) {
            m.lastHealth().ifPresent(h -> {
                out.put(m.id() + "\u0000collections",
                        h.levels().values().stream().mapToLong(MonitorHealth.Level::collections).sum());
                for (MonitorHealth.Sink s : h.sinks()) {
                    out.merge(m.id() + "\u0000sent\u0000" + s.name(), s.sent(), Long::sum);
                    out.merge(m.id() + "\u0000dropped\u0000" + s.name(), s.dropped() + s.rejected(), Long::sum);
                }
            });
        }
        return out;
    }
}
