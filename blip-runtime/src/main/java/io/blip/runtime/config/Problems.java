package io.blip.runtime.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects config problems so that all of them are reported at once. A problem seen twice (e.g. a
 * monitor default inherited by several monitors) is kept once.
 */
public final class Problems {
    private final Set<String> problems = new LinkedHashSet<>();

    /** A problem with a node: {@code <origin>: <path>: <what>}. */
    public void add(ConfigNode node, String what) {
        add(node.origin(), node.path(), what);
    }

    public void add(Origin origin, String path, String what) {
        problems.add(origin + ": " + (path.isEmpty() ? "" : path + ": ") + what);
    }

    /** A problem that is already a whole message. */
    public void add(String problem) {
        problems.add(problem);
    }

    public void addAll(Collection<String> more) {
        problems.addAll(more);
    }

    /** The problems so far, in the order they were found. */
    public List<String> list() {
        return List.copyOf(problems);
    }

    /** Throws a {@link ConfigException} listing every problem, if there is any. */
    public void throwIfAny() throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(new ArrayList<>(problems));
        }
    }

    /** A scalar's value quoted for a message, or {@code '...'} when its key names a secret. */
    public static String quote(ConfigNode.ScalarNode node) {
        return Secrets.isSecretKey(node.key()) ? "'...'" : "'" + (node.value() == null ? "" : node.value()) + "'";
    }

    /**
     * The message for an unknown key: the closest known key when it is a likely typo, else the
     * known keys.
     */
    public static String unknownKey(String key, Collection<String> known) {
        return io.blip.api.config.OptionSet.unknownKey(key, known);
    }
}
