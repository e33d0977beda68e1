package io.blip.domains.sizebinlog;

import io.blip.api.MetricType;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;

/** The {@code size.binlog} domain: the total size of the binary logs. */
public final class SizeBinlogFactory implements CollectorFactory {
    static final String DOMAIN = "size.binlog";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "Total size of all binary logs in bytes")
            .metric("bytes", MetricType.GAUGE, "By", "Total size of all binary logs in bytes")
            .strictMetrics()
            .error("access-denied", "MySQL error 1227: access denied on 'SHOW BINARY LOGS'"
                    + " (need REPLICATION CLIENT; on MariaDB BINLOG MONITOR)", 1227)
            .error("binlog-not-enabled", "MySQL error 1381: binary logging is not enabled", 1381)
            .build();

    @Override
    public CollectorHelp help() {
        return HELP;
    }

    @Override
    public Collector make(CollectorContext context) {
        return new SizeBinlogCollector(context);
    }
}
