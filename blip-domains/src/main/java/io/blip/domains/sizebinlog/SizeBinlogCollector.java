package io.blip.domains.sizebinlog;

import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.plan.Plan;
import io.blip.api.collect.LevelDomain;
import io.blip.domains.MysqlValues;
import io.blip.api.collect.PerLevel;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Sums the sizes {@code SHOW BINARY LOGS} lists. The size is the second column on every version
 * (MySQL 8.0.14 added a third, {@code Encrypted}), so no version check is needed. Errors 1227
 * (access denied) and 1381 (binary log off) are thrown as is for the plan's error policies.
 */
final class SizeBinlogCollector implements Collector {
    static final String SHOW_BINARY_LOGS = "SHOW BINARY LOGS";

    private final CollectorContext context;
    private volatile PerLevel<LevelDomain> levels = PerLevel.none(SizeBinlogFactory.DOMAIN);

    SizeBinlogCollector(CollectorContext context) {
        this.context = context;
    }

    @Override
    public void prepare(Plan plan) {
        // Its one metric is listed, or none is: the default.
        levels = PerLevel.of(plan, SizeBinlogFactory.HELP, at -> at);
    }

    @Override
    public List<MetricValue> collect(String level) throws SQLException {
        levels.at(level); // throws for a level the plan did not prepare
        double total = 0;
        try (Connection c = context.db().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(SHOW_BINARY_LOGS)) {
            while (rs.next()) {
                total += MysqlValues.parse(rs.getString(2)).orElse(0);
            }
        }
        return List.of(MetricValue.gauge("bytes", total));
    }
}
