package io.blip.domains.perconaresponsetime;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/**
 * The {@code percona.response-time} domain (deprecated in Blip): query response time percentiles from
 * the query_response_time plugin of Percona Server 5.7 and MariaDB ({@code
 * information_schema.QUERY_RESPONSE_TIME}).
 */
public final class PerconaResponseTimeFactory extends DomainFactory {
    static final String DOMAIN = "percona.response-time";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN,
                    "Query response time percentiles from information_schema.QUERY_RESPONSE_TIME (the"
                            + " query_response_time plugin of Percona Server 5.7 and MariaDB; deprecated: on MySQL 8"
                            + " use query.response-time), e.g. metrics p95, p99, p999")
            .option(Option.oneOf("real-percentiles", "If real percentiles are included in meta",
                    "yes", "Include real percentiles in meta",
                    "no", "Exclude real percentiles in meta").withDefault("yes"))
            .option(Option.oneOf("flush", "If Query Response Time should be flushed after each retrieval"
                            + " (SET GLOBAL query_response_time_flush=1 with SUPER, else FLUSH QUERY_RESPONSE_TIME with"
                            + " RELOAD; with neither, collects without flushing)",
                    "yes", "Flush Query Response Time (QRT) after each retrieval.",
                    "no", "Do not flush Query Response Time (QRT) after each retrieval.").withDefault("yes"))
            .metric("p999", MetricType.GAUGE, "us", "pN: percentile to collect where N between 1 and 999"
                    + " (p99=99th, p999=99.9th; any N a plan lists): the mean response time of the bucket that reaches it;"
                    + " p999 when the plan lists no metric")
            .meta("pN")
            .error("unknown-table", "MySQL error 1109: Unknown table 'query_response_time' in information_schema"
                    + " (the plugin is not installed)", 1109)
            .build();

    public PerconaResponseTimeFactory() {
        super(HELP, PerconaResponseTimeCollector::new);
    }
}
