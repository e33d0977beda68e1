package io.blip.domains.stmtcurrent;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;
import io.blip.domains.PerformanceSchema;

/**
 * The {@code stmt.current} domain: how many active statements are slow and how long the slowest has
 * run, from {@code performance_schema.events_statements_current}.
 */
public final class StmtCurrentFactory extends DomainFactory {
    static final String DOMAIN = "stmt.current";
    static final String TABLE = "performance_schema.events_statements_current";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN,
                    "Statement metrics: active slow statements (slow, slowest) from " + TABLE)
            .option(Option.duration("slow-threshold", "The duration (as a duration string, e.g. 500ms, 1.5s)"
                    + " that a statement must be active to be counted as slow; at least 1us").withDefault("1.0s")
                    .atLeast("1us"))
            .metric("slow", MetricType.GAUGE, "The count of active statements running for slow-threshold or longer")
            .metric("slowest", MetricType.GAUGE, "us",
                    "The duration of the longest-running active statement in microseconds, 0 if none")
            .strictMetrics()
            .error("table-not-exist", "MySQL error 1146: " + TABLE + " does not exist; also given when"
                    + " performance_schema=OFF or the consumers global_instrumentation, thread_instrumentation or"
                    + " events_statements_current are disabled (the table is then empty; MariaDB starts with"
                    + " events_statements_current disabled: enable it in setup_consumers or with"
                    + " performance_schema_consumer_events_statements_current=ON)",
                    PerformanceSchema.TABLE_NOT_EXIST)
            .build();

    public StmtCurrentFactory() {
        super(HELP, StmtCurrentCollector::new);
    }
}
