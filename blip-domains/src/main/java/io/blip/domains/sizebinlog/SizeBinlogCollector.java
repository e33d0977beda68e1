package io.blip.domains.sizebinlog;

import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevelCollector;
import io.blip.domains.MysqlValues;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sums the sizes {@code SHOW BINARY LOGS} lists. The size is the second column on every version
 * (MySQL 8.0.14 added a third, {@code Encrypted}), so no version check is needed. Errors 1227
 * (access denied) and 1381 (binary log off) are thrown as is for the plan's error policies.
 */
final class SizeBinlogCollector extends PerLevelCollector<LevelDomain> {
    static final String SHOW_BINARY_LOGS = "SHOW BINARY LOGS";

    SizeBinlogCollector(CollectorContext context) {
        super(context, SizeBinlogFactory.HELP);
    }

    /** Its one metric is listed, or none is: the default; every level collects the same. */
    @Override
    protected LevelDomain prepareLevel(LevelDomain at) {
        return at;
    }

    @Override
    protected List<MetricValue> collectLevel(LevelDomain at) throws SQLException {
        var sizes = new ArrayList<Double>();
        query(SHOW_BINARY_LOGS, row -> sizes.add(MysqlValues.parse(row.getString(2)).orElse(0)));
        double total = 0;
        for (double size : sizes) {
            total += size;
        }
        return List.of(MetricValue.gauge("bytes", total));
    }
}
