package io.blip.api.config;

import java.util.List;

/**
 * Blip's {@code plans} section.
 *
 * @param files               plan files (glob patterns allowed); a plan is named by its path as written
 * @param table               a table to read plans from ({@code db.table}, or {@code table} in database {@code blip})
 * @param disableDefaultPlans do not load the built-in plans
 * @param monitor             the MySQL instance that holds {@code table} (top level only); null when not set
 * @param change              plan changing by MySQL state
 */
public record PlansConfig(List<String> files, String table, boolean disableDefaultPlans, MonitorConfig monitor,
                          PlanChangeConfig change) {
    public static final PlansConfig EMPTY = new PlansConfig(List.of(), "", false);

    public PlansConfig {
        files = List.copyOf(files == null ? List.of() : files);
        table = table == null ? "" : table;
        change = change == null ? PlanChangeConfig.NONE : change;
    }

    /** Plans from files (and a table), no plan changing. */
    public PlansConfig(List<String> files, String table, boolean disableDefaultPlans) {
        this(files, table, disableDefaultPlans, null, PlanChangeConfig.NONE);
    }
}
