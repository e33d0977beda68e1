package io.blip.domains.repllag;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/**
 * The {@code repl.lag} domain: replication lag from MySQL 8's Performance Schema or from Blip
 * heartbeats written on the source.
 */
public final class ReplLagFactory extends DomainFactory {
    static final String DOMAIN = "repl.lag";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "Replication lag")
            .option(Option.oneOf("writer", "What writes the replication heartbeats or events",
                    "auto", "Use pfs if available, else blip",
                    "blip", "Blip heartbeat table (see the heartbeat config)",
                    "pfs", "MySQL 8.x Performance Schema replication tables").withDefault("auto"))
            .option(Option.string("repl-check", "MySQL global variable (without @@); when it is 0, the instance"
                    + " is not a replica (e.g. server_id on cloud readers)"))
            .option(Option.string("default-channel-name", "pfs: name reported for the default replication channel,"
                    + " which MySQL names with an empty string"))
            .option(Option.string("table", "blip: heartbeat table").withDefault("blip.heartbeat"))
            .option(Option.string("source-id", "blip: follow the heartbeats of this source id;"
                    + " takes precedence over source-role"))
            .option(Option.string("source-role", "blip: follow the latest heartbeat of any source with this role"))
            .option(Option.string("network-latency", "blip: how long after its planned time to read the next"
                    + " heartbeat; also subtracted from the lag (duration such as 50ms)").withDefault("50ms"))
            .option(Option.oneOf("report-no-heartbeat", "blip: what to do when there is no heartbeat",
                    "yes", "Report current = -1 if no heartbeat",
                    "no", "Drop current if no heartbeat").withDefault("no"))
            .option(Option.oneOf("report-not-a-replica", "What to do when the instance is not a replica",
                    "yes", "Report current = -1 if not a replica",
                    "no", "Drop current if not a replica").withDefault("no"))
            .metric("current", MetricType.GAUGE, "ms", "Current replication lag")
            .metric("backlog", MetricType.GAUGE, "pfs: transactions received but not applied")
            .metric("worker_usage", MetricType.GAUGE, "1", "pfs: fraction (0-1) of applier workers applying")
            .strictMetrics()
            .group("channel_name")
            .meta("source")
            .build();

    public ReplLagFactory() {
        super(HELP, ReplLagCollector::new);
    }
}
