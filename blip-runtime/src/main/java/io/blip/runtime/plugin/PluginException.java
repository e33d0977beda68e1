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

    private static String message(List<String> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        return problems.size() + " plugin problems:\n  - " + String.join("\n  - ", problems);
    }
}
