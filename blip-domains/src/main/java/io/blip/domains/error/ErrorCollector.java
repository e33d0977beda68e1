package io.blip.domains.error;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;
import io.blip.api.config.Durations;
import io.blip.api.plan.ErrorPolicy;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import org.slf4j.Logger;
import io.blip.domains.Truncation;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reports {@code raised}, the errors MySQL raised, per error and per user, host, account or thread
 * as the domain's table sums them, plus their total, from one of the Performance Schema error
 * summary tables (MySQL 8.0+). One class for the five domains: they differ only by table and groups.
 *
 * <p><b>Truncation.</b> With {@code truncate-table=yes} the table is truncated after each read, so
 * each value is the count since the last collection (a delta counter). With
 * {@code truncate-on-startup=yes} (the default) it is truncated once when the plan is prepared.
 * TRUNCATE needs the DROP privilege on the table: a user without it is told once, in one log line
 * naming the monitor, domain and grant, and the domain collects without truncating (cumulative
 * counters). A failed or timed-out truncation is handled by the level's {@code truncate-timeout}
 * error policy ({@link Truncation}).
 *
 * <p><b>Servers without the tables</b> (MariaDB, MySQL 5.7): the read fails with MySQL error 1146,
 * thrown as is for the plan's {@code table-not-exist} error policy; truncating on startup skips it.
 */
final class ErrorCollector extends PerLevelCollector<ErrorCollector.AtLevel> {
    static final String PERFORMANCE_SCHEMA = "performance_schema";
    private static final Logger LOG = LoggerFactory.getLogger(ErrorCollector.class);

    /**
     * What one level reads and does.
     *
     * @param level           the level's name, for messages
     * @param query           its SELECT
     * @param withTotal       add the totals of the rows read (total=yes)
     * @param truncate        truncate after each read: the level's truncate-table, unless the user lacks DROP
     * @param startup         truncate when the plan is prepared (truncate-on-startup)
     * @param truncateTimeout how long a truncation may take
     * @param policy          the truncate-timeout error policy
     */
    record AtLevel(String level, ErrorQuery query, boolean withTotal, boolean truncate, boolean startup,
                   Duration truncateTimeout, ErrorPolicy policy) {
        MetricType type() {
            return truncate ? MetricType.DELTA_COUNTER : MetricType.CUMULATIVE_COUNTER;
        }

        AtLevel withoutTruncation() {
            return new AtLevel(level, query, withTotal, false, false, truncateTimeout, policy);
        }
    }

    private final ErrorTable table;
    private final String schema;
    private final Truncation truncation;

    ErrorCollector(CollectorContext context, ErrorTable table) {
        this(context, table, PERFORMANCE_SCHEMA, LOG::warn);
    }

    /**
     * For tests only: {@code schema} stands for {@code performance_schema} (a copy of MySQL 8's
     * tables on a server that has none), {@code warn} receives what would be logged as a warning.
     */
    ErrorCollector(CollectorContext context, ErrorTable table, String schema, Consumer<String> warn) {
        super(context, table.help());
        this.table = table;
        this.schema = schema;
        this.truncation = new Truncation(context, table.domain(), schema, table.table(), warn, false);
    }

    @Override
    public void prepare(Plan plan) throws Exception {
        PerLevel<AtLevel> levels = prepareLevels(plan);
        for (AtLevel at : levels.levels().values()) {
            checkTimeout(at, plan.levels().get(at.level()));
        }
        PerLevel<AtLevel> ready = levels.levels().isEmpty() ? levels : prepareForServer(levels);
        truncation.restart();
        use(ready);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        ErrorQuery query = ErrorQuery.of(table, schema, at);
        return new AtLevel(at.level(), query, at.option("total").equals("yes"), at.yes("truncate-table"),
                at.yes("truncate-on-startup"), Truncation.timeout(at), Truncation.policy(at));
    }

    /** A truncation that may take longer than the level's interval would make collections miss their time. */
    private void checkTimeout(AtLevel at, Level level) {
        if (at.truncate() || at.startup()) {
            Truncation.checkTimeout(table.domain(), at.level(), at.truncateTimeout(), level);
        }
    }

    /**
     * When some level truncates: checks the DROP privilege (without it, no level truncates), then
     * truncates once if some level asks to on startup.
     */
    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        var truncators = levels.levels().values().stream().filter(at -> at.truncate() || at.startup()).toList();
        if (truncators.isEmpty()) {
            return levels;
        }
        if (!truncation.allowed("truncate-table and truncate-on-startup are off; raised is a cumulative counter")) {
            return levels.map(AtLevel::withoutTruncation);
        }
        truncators.stream().filter(AtLevel::startup).findFirst()
                .ifPresent(at -> truncation.truncateOnStartup(at.level(), at.truncateTimeout(), at.policy()));
        return levels;
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        if (!at.truncate()) {
            return read(at);
        }
        return truncation.readThenTruncate(at.level(), at.truncateTimeout(), at.policy(), () -> read(at));
    }

    /** The level's rows as values, and their totals unless total=no (or only, when the rows are totals). */
    private List<MetricValue> read(AtLevel at) throws SQLException {
        var values = new ArrayList<MetricValue>();
        int extra = table.columns().size();
        boolean totals = at.withTotal();
        Map<List<String>, Double> totalBy = new LinkedHashMap<>();
        if (totals && extra == 0) {
            totalBy.put(List.of(), 0.0); // Blip reports the global total even when no error was raised
        }
        query(at.query().sql(), at.query().parameters(), row -> {
            double raised = row.getDouble(1); // SUM() of no rows is NULL: 0
            var group = new HashMap<String, String>();
            group.put("error_number", nullToEmpty(row.getString(2)));
            group.put("error_name", nullToEmpty(row.getString(3)));
            var key = new ArrayList<String>(extra);
            for (int i = 0; i < extra; i++) {
                String v = nullToEmpty(row.getString(4 + i));
                group.put(table.groups().get(i), v);
                key.add(v);
            }
            values.add(new MetricValue("raised", raised, at.type(), group, Map.of()));
            if (totals) {
                totalBy.merge(key, raised, Double::sum);
            }
        });
        totalBy.forEach((key, sum) -> {
            var group = new HashMap<String, String>();
            group.put("error_number", "");
            group.put("error_name", "");
            for (int i = 0; i < extra; i++) {
                group.put(table.groups().get(i), key.get(i));
            }
            values.add(new MetricValue("raised", sum, at.type(), group, Map.of()));
        });
        return values;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
