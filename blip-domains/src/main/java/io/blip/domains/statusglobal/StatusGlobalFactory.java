package io.blip.domains.statusglobal;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/**
 * The {@code status.global} domain: global status variables from {@code SHOW GLOBAL STATUS}. Any status
 * variable can be collected; the declared ones are gauges, all others cumulative counters.
 */
public final class StatusGlobalFactory extends DomainFactory {
    static final String DOMAIN = "status.global";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN,
                    "Global status variables like 'Queries' and 'Threads_running'")
            .option(Option.oneOf("all", "Collect all status variables",
                    "yes", "Collect all (safe but wasteful)",
                    "no", "Collect only variables listed in metrics").withDefault("no"))
            .metric("threads_running", MetricType.GAUGE, "Threads not sleeping")
            .metric("threads_connected", MetricType.GAUGE, "Open connections")
            .metric("prepared_stmt_count", MetricType.GAUGE, "Prepared statements")
            .metric("innodb_buffer_pool_pages_dirty", MetricType.GAUGE, "Dirty pages in the buffer pool")
            .metric("innodb_buffer_pool_pages_free", MetricType.GAUGE, "Free pages in the buffer pool")
            .metric("innodb_buffer_pool_pages_total", MetricType.GAUGE, "Pages in the buffer pool")
            .metric("innodb_row_lock_current_waits", MetricType.GAUGE, "Row lock waits now")
            .metric("innodb_os_log_pending_writes", MetricType.GAUGE, "Pending redo log writes")
            .metric("max_used_connections", MetricType.GAUGE, "Most connections open at once since start")
            .build();

    public StatusGlobalFactory() {
        super(HELP, StatusGlobalCollector::new);
    }
}
