package io.blip.runtime.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
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
        if (known.isEmpty()) {
            return "unknown key; nothing can be set here";
        }
        return closest(key, known)
                .map(k -> "unknown key; did you mean " + k + "?")
                .orElseGet(() -> "unknown key; valid keys here: " + String.join(", ", known));
    }

    /** The known key closest to {@code key}, when it is close enough to be a typo. */
    private static Optional<String> closest(String key, Collection<String> known) {
        String squashed = squash(key);
        return known.stream()
                .filter(k -> squash(k).equals(squashed) || distance(key, k) <= Math.min(2, Math.max(1, k.length() / 3)))
                .min(Comparator.comparingInt(k -> distance(key, k)));
    }

    /** Lower case without separators, so that {@code password_file} and {@code passwordFile} match. */
    private static String squash(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
