package io.blip.domains.varglobal;

import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;
import io.blip.domains.MysqlValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
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
final class VarGlobalCollector extends PerLevelCollector<VarGlobalCollector.AtLevel> {
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
    private record Query(Source source, List<String> metrics, String sql) {
        List<String> parameters() {
            return source != Source.SELECT ? metrics : List.of();
        }
    }

    /**
     * @param at      the level, for messages
     * @param sources the sources to try, in order; once prepared, only the one that answered
     */
    record AtLevel(LevelDomain at, List<Query> sources) {
    }

    VarGlobalCollector(CollectorContext context) {
        super(context, VarGlobalFactory.HELP);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        return new AtLevel(at, candidates(at));
    }

    /** Keeps, for each level, the first of its sources that answers, trying them on one connection. */
    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        try (Connection c = context().db().getConnection()) {
            return levels.map(level -> new AtLevel(level.at(), List.of(firstThatAnswers(c, level))));
        }
    }

    /** The sources to try, in order: the one the option names, or select (unless all), pfs, show. */
    private static List<Query> candidates(LevelDomain at) {
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
        var sources = new ArrayList<Query>();
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

    private Query firstThatAnswers(Connection c, AtLevel level) {
        LevelDomain at = level.at();
        var failures = new LinkedHashMap<String, String>();
        for (Query source : level.sources()) {
            try {
                query(c, source.sql(), source.parameters(), reader(source, new ArrayList<>()));
                log.debug("{}: var.global at level {} reads source {}", context().monitorId(), at.level(),
                        source.source().optionValue());
                return source;
            } catch (SQLException e) {
                failures.put(source.source().optionValue(), e.getMessage());
            }
        }
        if (level.sources().size() == 1) {
            var only = failures.entrySet().iterator().next();
            throw at.error("source=" + only.getKey() + " failed: " + only.getValue());
        }
        throw at.error("source=auto: no source worked: " + failures);
    }

    /** The query of a source; names are bound as parameters, except in select, where they were checked. */
    private static Query build(Source source, List<String> metrics) {
        String sql = switch (source) {
            case SELECT -> "SELECT " + String.join(", ", metrics.stream().map(m -> "@@GLOBAL." + m).toList());
            case PFS -> "SELECT variable_name, variable_value FROM performance_schema.global_variables"
                    + whereNameIn(metrics);
            case SHOW -> "SHOW GLOBAL VARIABLES" + whereNameIn(metrics);
        };
        return new Query(source, metrics, sql);
    }

    private static String whereNameIn(List<String> metrics) {
        return metrics.isEmpty() ? ""
                : " WHERE variable_name IN (" + String.join(", ", Collections.nCopies(metrics.size(), "?")) + ")";
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel level) throws SQLException {
        Query source = level.sources().getFirst();
        var values = new ArrayList<MetricValue>();
        query(source.sql(), source.parameters(), reader(source, values));
        return values;
    }

    /**
     * Adds the values of a source's rows: for select, one row, one column per variable, in the order of
     * the metrics; for pfs and show, rows of name and value.
     */
    private static RowReader reader(Query source, List<MetricValue> values) {
        if (source.source() == Source.SELECT) {
            return row -> {
                for (int i = 0; i < source.metrics().size(); i++) {
                    add(values, source.metrics().get(i), row.getString(i + 1));
                }
            };
        }
        return row -> add(values, row.getString(1).toLowerCase(Locale.ROOT), row.getString(2));
    }

    /** Many sysvars are not numbers (paths, modes); like every exporter, skip those. */
    private static void add(List<MetricValue> values, String name, String value) {
        OptionalDouble number = MysqlValues.parse(value);
        if (number.isPresent()) {
            values.add(MetricValue.gauge(name, number.getAsDouble()));
        }
    }
}
