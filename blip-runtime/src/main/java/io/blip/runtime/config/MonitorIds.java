package io.blip.runtime.config;

import io.blip.api.config.MonitorConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * Checks that monitor ids are unique. Blip keeps the last monitor of an id (a map); its docs call
 * a duplicate fatal, and so do we, naming both places.
 */
final class MonitorIds {
    private final Problems problems;
    private final Map<String, String> seen = new HashMap<>();

    MonitorIds(Problems problems) {
        this.problems = problems;
    }

    /** A monitor loaded earlier. */
    void known(MonitorConfig m) {
        seen.putIfAbsent(m.id(), m.origin());
    }

    /** A new monitor, written at {@code node}. */
    void add(MonitorConfig m, ConfigNode node) {
        if (m.id().isEmpty()) {
            return; // reported already: the monitor has no hostname, socket or mycnf
        }
        String first = seen.putIfAbsent(m.id(), node.origin() + (node.path().isEmpty() ? "" : ": " + node.path()));
        if (first != null) {
            problems.add(node, "monitor id '" + m.id() + "' is already used by " + first
                    + "; give each monitor a unique id");
        }
    }
}
