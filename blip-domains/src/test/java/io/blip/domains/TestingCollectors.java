package io.blip.domains;

import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.MonitorConfig;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import io.blip.testkit.EmbeddedMariaDb;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** What collector tests share: the embedded server, contexts, one- and two-level plans. */
public final class TestingCollectors {
    public static final MonitorConfig MONITOR =
            MonitorConfig.of("test");
    public static final String FAST = "fast";
    public static final String SLOW = "slow";

    private TestingCollectors() {
    }

    public static EmbeddedMariaDb db() {
        return EmbeddedMariaDb.shared();
    }

    /** A context whose connections are the admin account's. */
    public static CollectorContext admin() {
        return context(db().dataSource(EmbeddedMariaDb.ADMIN_USER, EmbeddedMariaDb.ADMIN_PASSWORD));
    }

    public static CollectorContext context(DataSource dataSource) {
        return CollectorContext.of(MONITOR, dataSource, Time.system());
    }

    /** What one level says about a domain. */
    public static Domain domain(String name, List<String> metrics, Map<String, String> options) {
        return new Domain(name, metrics, options, Map.of());
    }

    /** A plan whose level {@value #FAST} (5 s) collects the domain. */
    public static Plan plan(Domain fast) {
        return plan(fast, null);
    }

    /** A plan with level {@value #FAST} (5 s) and, unless null, level {@value #SLOW} (20 s). */
    public static Plan plan(Domain fast, Domain slow) {
        var levels = new LinkedHashMap<String, Level>();
        levels.put(FAST, new Level(FAST, Duration.ofSeconds(5), Map.of(fast.name(), fast)));
        if (slow != null) {
            levels.put(SLOW, new Level(SLOW, Duration.ofSeconds(20), Map.of(slow.name(), slow)));
        }
        return new Plan("test-plan", "test", levels);
    }

    /** Makes a collector, prepares it for the plan and collects its level {@value #FAST} once. */
    public static List<MetricValue> collectOnce(CollectorFactory factory, CollectorContext context, Plan plan)
            throws Exception {
        try (Collector c = factory.make(context)) {
            c.prepare(plan);
            return c.collect(FAST);
        }
    }

    /** Values by name; fails on a repeated name. */
    public static Map<String, MetricValue> byName(List<MetricValue> values) {
        var out = new LinkedHashMap<String, MetricValue>();
        for (MetricValue v : values) {
            if (out.put(v.name(), v) != null) {
                throw new AssertionError("metric " + v.name() + " reported twice: " + values);
            }
        }
        return out;
    }

    /** The values whose group matches. */
    public static List<MetricValue> where(List<MetricValue> values, Predicate<Map<String, String>> group) {
        var out = new ArrayList<MetricValue>();
        for (MetricValue v : values) {
            if (group.test(v.group())) {
                out.add(v);
            }
        }
        return out;
    }
}
