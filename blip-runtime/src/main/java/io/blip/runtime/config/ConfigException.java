package io.blip.runtime.config;

import io.blip.api.BlipException;

import java.util.List;

/**
 * Everything wrong with a config (or plan) at once, one problem a line, each as
 * {@code <file>:<line>: <key.path>: <what is wrong and how to fix it>}. Messages never hold a
 * secret value.
 */
public final class ConfigException extends BlipException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** The problems, in the order they were found. */
    public List<String> problems() {
        return problems;
    }
}
