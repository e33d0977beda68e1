package io.blip.api.config;

import java.util.List;

/**
 * Blip's {@code plans} section.
 *
 * @param files               plan files (glob patterns allowed); a plan is named by its path as written
 * @param table               a table to read plans from
 * @param disableDefaultPlans do not load the built-in plans
 */
public record PlansConfig(List<String> files, String table, boolean disableDefaultPlans) {
    public static final PlansConfig EMPTY = new PlansConfig(List.of(), "", false);

    public PlansConfig {
        files = List.copyOf(files == null ? List.of() : files);
        table = table == null ? "" : table;
    }
}
