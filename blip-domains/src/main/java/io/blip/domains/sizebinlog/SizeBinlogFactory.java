package io.blip.domains.sizebinlog;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;

/** The {@code size.binlog} domain: the total size of the binary logs. */
public final class SizeBinlogFactory extends DomainFactory {
    static final String DOMAIN = "size.binlog";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "Total size of all binary logs in bytes")
            .metric("bytes", MetricType.GAUGE, "By", "Total size of all binary logs in bytes")
            .strictMetrics()
            .error("access-denied", "MySQL error 1227: access denied on 'SHOW BINARY LOGS'"
                    + " (need REPLICATION CLIENT; on MariaDB BINLOG MONITOR)", 1227)
            .error("binlog-not-enabled", "MySQL error 1381: binary logging is not enabled", 1381)
            .build();

    public SizeBinlogFactory() {
        super(HELP, SizeBinlogCollector::new);
    }
}
