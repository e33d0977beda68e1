package io.blip.domains.varglobal;

import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.plan.Plan;
import io.blip.api.collect.LevelDomain;
import io.blip.domains.MysqlValues;
import io.blip.api.collect.PerLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Reads global system variables from one of three sources, chosen per level in {@code prepare}:
 * {@code SELECT @@GLOBAL.x, ...} (cheapest, but fails if any variable is unknown),
 * {@code performance_schema.global_variables} (MySQL 5.7+, not MariaDB) or {@code SHOW GLOBAL
 * VARIABLES}. With {@code source=auto}, {@code prepare} tries them in that order, keeps the first
 * that answers, and {@code collect} uses only that one.
 */
final class VarGlobalCollector implements Collector {
    private static final Logger log = LoggerFactory.getLogger(VarGlobalCollector.class);

    // A system variable name; '-' is left out because "@@GLOBAL.a-b" would be a subtraction.
    private static final Pattern SYSVAR = Pattern.compile("[a-zA-Z0-9_]+");

    enum Source {
        SELECT, PFS, SHOW;

        String optionValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param metrics the variables listed, in the order of the select's columns; empty when all
     * @param sql     the query, with one parameter per metric for pfs and show
     */
    private record AtLevel(Source source, List<String> metrics, String sql) {
        boolean bindsNames() {
            return source != Source.SELECT && !metrics.isEmpty();
        }
    }

    private final CollectorContext context;
    private volatile PerLevel<AtLevel> levels = PerLevel.none(VarGlobalFactory.DOMAIN);

    VarGlobalCollector(CollectorContext context) {
        this.context = context;
    }

    @Override
    public void prepare(Plan plan) throws SQLException {
        // Check every level before the first query, so a plan mistake is reported even if MySQL is down.
        var candidates = new LinkedHashMap<LevelDomain, List<AtLevel>>();
        for (LevelDomain at : LevelDomain.in(plan, VarGlobalFactory.HELP)) {
            candidates.put(at, candidates(at));
        }
        var prepared = new HashMap<String, AtLevel>();
        if (!candidates.isEmpty()) {
            try (Connection c = context.db().getConnection()) {
                for (var level : candidates.entrySet()) {
                    prepared.put(level.getKey().level(), firstThatAnswers(c, level.getKey(), level.getValue()));
                }
            }
        }
        levels = new PerLevel<>(VarGlobalFactory.DOMAIN, prepared);
    }

    /** The sources to try, in order: the one the option names, or select (unless all), pfs, show. */
    private static List<AtLevel> candidates(LevelDomain at) {
        boolean all = at.yes("all");
        String source = at.option("source");
        List<String> metrics = all ? List.of() : at.metrics();
        if (!all && metrics.isEmpty()) {
            throw at.error("no metrics listed; list system variables in metrics or set option all=yes");
        }
        if (!source.equals("auto")) {
            Source chosen = Source.valueOf(source.toUpperCase(Locale.ROOT));
            if (chosen == Source.SELECT && all) {
                // Blip silently ignores all=yes here; a person who wrote both wants to know.
                throw at.error("option all=yes cannot be read with source=select, which reads only listed"
                        + " variables; use source=auto, pfs or show");
            }
            if (chosen == Source.SELECT) {
                checkNames(at, metrics);
            }
            return List.of(build(chosen, metrics));
        }
        var sources = new ArrayList<AtLevel>();
        if (!all && metrics.stream().allMatch(m -> SYSVAR.matcher(m).matches())) {
            sources.add(build(Source.SELECT, metrics));
        }
        sources.add(build(Source.PFS, metrics));
        sources.add(build(Source.SHOW, metrics));
        return sources;
    }

    private static void checkNames(LevelDomain at, List<String> metrics) {
        for (String metric : metrics) {
            if (!SYSVAR.matcher(metric).matches()) {
                throw at.error("'" + metric + "' is not a system variable name (letters, digits, _)");
            }
        }
    }

    private AtLevel firstThatAnswers(Connection c, LevelDomain at, List<AtLevel> sources) {
        var failures = new LinkedHashMap<String, String>();
        for (AtLevel source : sources) {
            try {
                read(c, source);
                log.debug("{}: var.global at level {} reads source {}", context.monitorId(), at.level(),
                        source.source().optionValue());
                return source;
            } catch (SQLException e) {
                failures.put(source.source().optionValue(), e.getMessage());
            }
        }
        if (sources.size() == 1) {
            var only = failures.entrySet().iterator().next();
            throw at.error("source=" + only.getKey() + " failed: " + only.getValue());
        }
        throw at.error("source=auto: no source worked: " + failures);
    }

    /** The query of a source; names are bound as parameters, except in select, where they were checked. */
    private static AtLevel build(Source source, List<String> metrics) {
        String sql = switch (source) {
            case SELECT -> "SELECT " + String.join(", ", metrics.stream().map(m -> "@@GLOBAL." + m).toList());
            case PFS -> "SELECT variable_name, variable_value FROM performance_schema.global_variables"
                    + whereNameIn(metrics);
            case SHOW -> "SHOW GLOBAL VARIABLES" + whereNameIn(metrics);
        };
        return new AtLevel(source, metrics, sql);
    }

    private static String whereNameIn(List<String> metrics) {
        return metrics.isEmpty() ? ""
                : " WHERE variable_name IN (" + String.join(", ", Collections.nCopies(metrics.size(), "?")) + ")";
    }

    @Override
    public List<MetricValue> collect(String level) throws SQLException {
        AtLevel at = levels.at(level);
        try (Connection c = context.db().getConnection()) {
            return read(c, at);
        }
    }

    private static List<MetricValue> read(Connection c, AtLevel at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(at.sql())) {
            if (at.bindsNames()) {
                for (int i = 0; i < at.metrics().size(); i++) {
                    s.setString(i + 1, at.metrics().get(i));
                }
            }
            try (ResultSet rs = s.executeQuery()) {
                return at.source() == Source.SELECT ? columns(rs, at.metrics()) : rows(rs);
            }
        }
    }

    /** One row, one column per variable, in the order of {@code names}. */
    private static List<MetricValue> columns(ResultSet rs, List<String> names) throws SQLException {
        var values = new ArrayList<MetricValue>(names.size());
        if (rs.next()) {
            for (int i = 0; i < names.size(); i++) {
                add(values, names.get(i), rs.getString(i + 1));
            }
        }
        return values;
    }

    /** Rows of name and value. */
    private static List<MetricValue> rows(ResultSet rs) throws SQLException {
        var values = new ArrayList<MetricValue>();
        while (rs.next()) {
            add(values, rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
        }
        return values;
    }

    /** Many sysvars are not numbers (paths, modes); like every exporter, skip those. */
    private static void add(List<MetricValue> values, String name, String value) {
        OptionalDouble number = MysqlValues.parse(value);
        if (number.isPresent()) {
            values.add(MetricValue.gauge(name, number.getAsDouble()));
        }
    }
}
