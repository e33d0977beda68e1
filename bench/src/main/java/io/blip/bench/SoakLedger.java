package io.blip.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What bin/blip said it produced, per monitor, from the health the API showed, and its reconciliation
 * with what the receiver counted. A monitor's counters start again when it is started again (a reload
 * that removed it and added it back): each life is kept by its start, with the last health seen of it.
 * A life that ended (the monitor was stopped) may have made a collection or two after the last health
 * the harness read; those the receiver got are added to produced and received alike ("tail"), those it
 * did not get would show as unexplained.
 */
final class SoakLedger {
    /** One monitor's reconciliation: produced = received + drops + down + unexplained. */
    record Line(String monitor, int lives, long produced, long received, long drops, long down, long tail,
                long queuedAtEnd) {
        long unexplained() {
            return produced - received - drops - down;
        }
    }

    private final Map<String, TreeMap<Instant, SoakApi.Health>> lives = new HashMap<>(); // guarded by this

    synchronized void observe(SoakApi.Health h) {
        lives.computeIfAbsent(h.monitor(), m -> new TreeMap<>()).put(h.started(), h);
    }

    /** Every monitor's line; {@code down} gives each monitor's collections that reached no MySQL, up to a time. */
    synchronized List<Line> reconcile(List<String> monitors, SoakReceiver receiver, Map<String, List<Instant>> down) {
        List<Line> out = new ArrayList<>();
        for (String m : monitors) {
            List<SoakApi.Health> seen = new ArrayList<>(lives.getOrDefault(m, new TreeMap<>()).values());
            long produced = 0;
            long received = 0;
            long drops = 0;
            long tail = 0;
            for (int i = 0; i < seen.size(); i++) {
                SoakApi.Health h = seen.get(i);
                produced += h.collections();
                drops += h.drops();
                received += receiver.received(m, nanos(h.started()), nanos(h.time()), false);
                if (i + 1 < seen.size()) {
                    tail += receiver.received(m, nanos(h.time()) + 1, nanos(seen.get(i + 1).started()) - 1, false);
                }
            }
            Instant last = seen.isEmpty() ? Instant.MIN : seen.getLast().time();
            long downs = down.getOrDefault(m, List.of()).stream().filter(t -> !t.isAfter(last)).count();
            long queued = seen.isEmpty() ? 0 : seen.getLast().queued();
            out.add(new Line(m, seen.size(), produced + tail, received + tail, drops, downs, tail, queued));
        }
        return out;
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
