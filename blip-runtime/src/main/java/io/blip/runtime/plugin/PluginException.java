package io.blip.runtime.plugin;

import io.blip.api.BlipException;

import java.util.List;

/**
 * Plugins could not be loaded. The message lists every problem found, across all plugin
 * directories, each naming the directory, jar, module or provider and what to do.
 */
public final class PluginException extends BlipException {
    private final List<String> problems;

    PluginException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, one sentence or two, in the order found. */
    public List<String> problems() {
        return problems;
    }

    /** {@code a}, {@code a and b}, {@code a, b and c}. */
    static String and(List<String> items) {
        if (items.size() < 2) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    private static String message(List<String> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        return problems.size() + " plugin problems:\n  - " + String.join("\n  - ", problems);
    }
}
