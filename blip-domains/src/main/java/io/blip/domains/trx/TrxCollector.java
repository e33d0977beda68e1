package io.blip.domains.trx;

import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevelCollector;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reports how long the oldest active InnoDB transaction has run. The server computes the age, so
 * the monitor's clock does not matter. Needs the PROCESS privilege (1227 otherwise).
 */
final class TrxCollector extends PerLevelCollector<LevelDomain> {
    static final String OLDEST_TRX = "SELECT COALESCE(UNIX_TIMESTAMP(NOW()) - UNIX_TIMESTAMP(MIN(trx_started)), 0)"
            + " FROM information_schema.innodb_trx";

    TrxCollector(CollectorContext context) {
        super(context, TrxFactory.HELP);
    }

    /** Its one metric is listed, or none is: the default; every level collects the same. */
    @Override
    protected LevelDomain prepareLevel(LevelDomain at) {
        return at;
    }

    @Override
    protected List<MetricValue> collectLevel(LevelDomain at) throws SQLException {
        var values = new ArrayList<MetricValue>(1); // an aggregate: one row
        query(OLDEST_TRX, row -> values.add(MetricValue.gauge("oldest", row.getDouble(1))));
        return values;
    }
}
