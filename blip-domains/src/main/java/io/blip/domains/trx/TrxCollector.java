package io.blip.domains.trx;

import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.plan.Plan;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Reports how long the oldest active InnoDB transaction has run. The server computes the age, so
 * the monitor's clock does not matter. Needs the PROCESS privilege (1227 otherwise).
 */
final class TrxCollector implements Collector {
    static final String OLDEST_TRX = "SELECT COALESCE(UNIX_TIMESTAMP(NOW()) - UNIX_TIMESTAMP(MIN(trx_started)), 0)"
            + " FROM information_schema.innodb_trx";

    private final CollectorContext context;
    private volatile PerLevel<LevelDomain> levels = PerLevel.none(TrxFactory.DOMAIN);

    TrxCollector(CollectorContext context) {
        this.context = context;
    }

    @Override
    public void prepare(Plan plan) {
        // Its one metric is listed, or none is: the default.
        levels = PerLevel.of(plan, TrxFactory.HELP, at -> at);
    }

    @Override
    public List<MetricValue> collect(String level) throws SQLException {
        levels.at(level); // throws for a level the plan did not prepare
        try (Connection c = context.db().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(OLDEST_TRX)) {
            rs.next();
            return List.of(MetricValue.gauge("oldest", rs.getDouble(1)));
        }
    }
}
