package io.blip.runtime.config;

import java.util.Map;
import java.util.Objects;

/**
 * What reading a config needs besides its files.
 *
 * @param env          the environment: {@code ${ENV}} and the variables declared options come from
 * @param properties   the system properties declared options may come from
 * @param declarations what the loaded plugins declare (sinks, monitor loaders, monitor sections)
 * @param mycnf        the my.cnf files of this boot, read once per change
 */
public record LoadContext(Map<String, String> env, Map<String, String> properties, Declarations declarations,
                          MycnfFiles mycnf) {
    public LoadContext {
        env = Map.copyOf(env);
        properties = Map.copyOf(properties);
        Objects.requireNonNull(declarations, "declarations");
        Objects.requireNonNull(mycnf, "mycnf");
    }

    /** This context with other declarations (plugins made since declare more). */
    public LoadContext with(Declarations declarations) {
        return new LoadContext(env, properties, declarations, mycnf);
    }

    /** The environment and declarations, no system properties, a new my.cnf cache. */
    public static LoadContext of(Map<String, String> env, Declarations declarations) {
        return new LoadContext(env, Map.of(), declarations, new MycnfFiles());
    }
}
