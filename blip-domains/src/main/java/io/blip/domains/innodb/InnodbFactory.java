package io.blip.domains.innodb;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/**
 * The {@code innodb} domain: InnoDB metrics from {@code information_schema.innodb_metrics}. Any InnoDB
 * metric can be collected; the declared ones are gauges, all others cumulative counters.
 */
public final class InnodbFactory extends DomainFactory {
    static final String DOMAIN = "innodb";

    /**
     * Metrics that go up and down; every other InnoDB metric is a cumulative counter. This is Blip's
     * list. The table's TYPE column is no guide: its {@code value} type also holds counters such as
     * {@code lock_deadlocks} and {@code lock_timeouts}.
     */
    private static final String[] GAUGES = {
        "buffer_pool_bytes_data", "buffer_pool_bytes_dirty", "buffer_pool_pages_data", "buffer_pool_pages_dirty",
        "buffer_pool_pages_free", "buffer_pool_pages_misc", "buffer_pool_pages_total", "buffer_pool_size",
        "ddl_pending_alter_table", "file_num_open_files", "innodb_page_size", "lock_row_lock_time_avg",
        "lock_row_lock_time_max", "lock_threads_waiting", "log_lsn_archived", "log_lsn_buf_dirty_pages_added",
        "log_lsn_buf_pool_oldest_approx", "log_lsn_buf_pool_oldest_lwm", "log_lsn_checkpoint_age",
        "log_lsn_current", "log_lsn_last_checkpoint", "log_lsn_last_flush", "log_max_modified_age_async",
        "log_max_modified_age_sync", "os_log_pending_fsyncs", "os_log_pending_writes", "os_pending_reads",
        "os_pending_writes", "purge_dml_delay_usec", "purge_resume_count", "purge_stop_count",
        "lock_row_lock_current_waits", "trx_active_transactions", "trx_rseg_current_size",
        "trx_rseg_history_len",
    };

    static final CollectorHelp HELP = buildHelp();

    private static CollectorHelp buildHelp() {
        var help = CollectorHelp.builder(DOMAIN,
                        "InnoDB metrics from information_schema.innodb_metrics like 'trx_rseg_history_len' (HLL)")
                .option(Option.oneOf("all", "Collect all metrics",
                        "yes", "All metrics (ignore metrics list)",
                        "enabled", "Enabled metrics (ignore metrics list)",
                        "no", "Specified metrics").withDefault("no"))
                .meta("subsystem");
        for (String gauge : GAUGES) {
            help.metric(gauge, MetricType.GAUGE, "");
        }
        return help.build();
    }

    public InnodbFactory() {
        super(HELP, InnodbCollector::new);
    }
}
