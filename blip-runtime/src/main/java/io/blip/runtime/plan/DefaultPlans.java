package io.blip.runtime.plan;

import io.blip.api.plan.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The plans built into Blip ({@code plan/default/mysql.go}, {@code plan/default/exporter.go}),
 * written as plan files ({@code default-mysql.yaml}, {@code default-exporter.yaml} beside this class)
 * and read by the same parser as a user's plans.
 */
public final class DefaultPlans {
    public static final String DEFAULT_MYSQL = "default-mysql";
    public static final String DEFAULT_EXPORTER = "default-exporter";
    /** The source of built-in plans, as Blip names it. */
    public static final String SOURCE = "blip";

    private static final List<Plan> ALL = List.of(read(DEFAULT_MYSQL), read(DEFAULT_EXPORTER));

    private DefaultPlans() {
    }

    /** Every built-in plan, {@code default-mysql} first (the one a monitor gets when nothing else is set). */
    public static List<Plan> all() {
        return ALL;
    }

    /** Over 70 of the most important MySQL metrics in four levels: 5s, 20s, 5m and 15m. */
    public static Plan defaultMysql() {
        return ALL.get(0);
    }

    /**
     * What Prometheus mysqld_exporter collects. Its one level is not collected on a schedule (it
     * serves scrapes); its 10s frequency gives collectors a time limit.
     */
    public static Plan defaultExporter() {
        return ALL.get(1);
    }

    private static Plan read(String name) {
        try (InputStream in = DefaultPlans.class.getResourceAsStream(name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("the built-in plan " + name + ".yaml is not in the runtime's jar");
            }
            return PlanFiles.readYaml(name, SOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
