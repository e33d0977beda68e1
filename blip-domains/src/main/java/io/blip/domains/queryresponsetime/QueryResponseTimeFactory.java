package io.blip.domains.queryresponsetime;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;
import io.blip.domains.Truncation;

/**
 * The {@code query.response-time} domain: statement response-time percentiles from MySQL 8's
 * {@code performance_schema.events_statements_histogram_global}.
 */
public final class QueryResponseTimeFactory extends DomainFactory {
    static final String DOMAIN = "query.response-time";
    static final String TABLE = "events_statements_histogram_global";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN,
                    "Query response time percentiles from performance_schema." + TABLE
                            + " (MySQL 8.0+), e.g. metrics p95, p99, p999")
            .option(Option.oneOf("real-percentiles", "If real percentiles are included in meta",
                    "yes", "Include real percentiles in meta",
                    "no", "Exclude real percentiles in meta").withDefault("yes"))
            .option(Option.oneOf("truncate-table",
                    "If the source table should be truncated to reset data after each retrieval"
                            + " (TRUNCATE needs the DROP privilege on the table; without it, collects without"
                            + " truncating)",
                    "yes", "Truncate source table after each retrieval",
                    "no", "Do not truncate source table after each retrieval").withDefault("yes"))
            .option(Option.duration("truncate-timeout",
                    "The amount of time to attempt to truncate the source table before timing out"
                            + " (also sets lock_wait_timeout for the TRUNCATE, rounded up to whole seconds)")
                    .withDefault("250ms").positive())
            .metric("p999", MetricType.GAUGE, "us", "pN: percentile to collect where N between 1 and 999"
                    + " (p99=99th, p999=99.9th; any N a plan lists): the upper bound of the histogram bucket that reaches it;"
                    + " p999 when the plan lists no metric")
            .meta("pN")
            .error("table-not-exist", "MySQL error 1146: Table 'performance_schema." + TABLE
                    + "' doesn't exist (MySQL before 8.0, MariaDB)", 1146)
            .error(Truncation.TIMEOUT_ERROR, "Truncation failures on table 'performance_schema." + TABLE
                    + "' (it did not finish within truncate-timeout, or MySQL refused it); values are kept for"
                    + " the interval that failed, the policy's metric part applies to those after it;"
                    + " MySQL error 1317 when cancelled at truncate-timeout, 1205 at lock_wait_timeout", 1205, 1317)
            .build();

    public QueryResponseTimeFactory() {
        super(HELP, QueryResponseTimeCollector::new);
    }
}
