package io.blip.domains.repl;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/** The {@code repl} domain: whether replication is running, from {@code SHOW REPLICA|SLAVE STATUS}. */
public final class ReplFactory extends DomainFactory {
    static final String DOMAIN = "repl";
    static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "Replication status")
            // Blip's docs say the default is no (drop); its Help() says yes; its code drops unless yes.
            .option(Option.oneOf("report-not-a-replica", "Report running=-1 when MySQL is not a replica",
                    "yes", "Report running = -1 if not a replica",
                    "no", "Drop the metric if not a replica").withDefault("no"))
            .metric("running", MetricType.GAUGE,
                    "1=running (IO and SQL threads running, no error), 0=not running or error, -1=not a replica")
            .strictMetrics()
            .meta("source")
            .error("access-denied", "MySQL error 1227: access denied on 'SHOW REPLICA STATUS'"
                    + " (need REPLICATION CLIENT; on MariaDB 10.5+ SLAVE MONITOR)", ER_SPECIFIC_ACCESS_DENIED)
            .build();

    public ReplFactory() {
        super(HELP, ReplCollector::new);
    }
}
