package io.blip.runtime.plan;

import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The plans built into Blip ({@code plan/default/mysql.go}, {@code plan/default/exporter.go}). */
public final class DefaultPlans {
    public static final String DEFAULT_MYSQL = "default-mysql";
    public static final String DEFAULT_EXPORTER = "default-exporter";
    /** The source of built-in plans, as Blip names it. */
    public static final String SOURCE = "blip";

    private static final String ACCESS_DENIED_POLICY = "ignore,drop,retry"; // needs SUPER or REPLICATION CLIENT

    private DefaultPlans() {
    }

    /** Every built-in plan, {@code default-mysql} first (the one a monitor gets when nothing else is set). */
    public static List<Plan> all() {
        return List.of(defaultMysql(), defaultExporter());
    }

    /** Over 70 of the most important MySQL metrics in four levels: 5s, 20s, 5m and 15m. */
    public static Plan defaultMysql() {
        return plan(DEFAULT_MYSQL,
                level("performance", Duration.ofSeconds(5),
                        domain("status.global", List.of(
                                // key performance indicators
                                "queries",
                                "threads_running",
                                // transactions per second
                                "com_begin",
                                "com_commit",
                                "com_rollback",
                                // reads (com_select) and writes
                                "com_select",
                                "com_delete",
                                "com_delete_multi",
                                "com_insert",
                                "com_insert_select",
                                "com_replace",
                                "com_replace_select",
                                "com_update",
                                "com_update_multi",
                                // storage IOPS
                                "innodb_data_reads",
                                "innodb_data_writes",
                                // storage throughput (bytes/s)
                                "innodb_data_written",
                                "innodb_data_read",
                                // buffer pool efficiency
                                "innodb_buffer_pool_read_requests",
                                "innodb_buffer_pool_reads",
                                "innodb_buffer_pool_wait_free",
                                // buffer pool usage
                                "innodb_buffer_pool_pages_dirty",
                                "innodb_buffer_pool_pages_free",
                                "innodb_buffer_pool_pages_total",
                                // page flushing
                                "innodb_buffer_pool_pages_flushed",
                                // transaction log throughput (bytes/s)
                                "innodb_os_log_written"), Map.of(), Map.of()),
                        domain("innodb", List.of(
                                // transactions
                                "trx_active_transactions",
                                // row locking
                                "lock_timeouts",
                                "lock_row_lock_current_waits",
                                "lock_row_lock_waits",
                                "lock_row_lock_time",
                                // page flushing
                                "buffer_flush_adaptive_total_pages",
                                "buffer_LRU_batch_flush_total_pages",
                                "buffer_flush_background_total_pages",
                                // transaction log utilization
                                "log_lsn_checkpoint_age",
                                "log_max_modified_age_async",
                                // transaction log -> storage waits
                                "innodb_os_log_pending_writes",
                                "innodb_log_waits",
                                // history list length
                                "trx_rseg_history_len",
                                // deadlocks
                                "lock_deadlocks"), Map.of(), Map.of()),
                        domain("repl", List.of("running"), Map.of(), Map.of("access-denied", ACCESS_DENIED_POLICY)),
                        domain("repl.lag", List.of(), Map.of(), Map.of())),
                level("additional", Duration.ofSeconds(20),
                        domain("status.global", List.of(
                                // temporary objects
                                "created_tmp_disk_tables",
                                "created_tmp_tables",
                                "created_tmp_files",
                                // threads and connections
                                "connections",
                                "threads_connected",
                                "max_used_connections",
                                // network throughput
                                "bytes_sent",
                                "bytes_received",
                                // large changes cached to disk before the binlog
                                "binlog_cache_disk_use",
                                // prepared statements
                                "prepared_stmt_count",
                                "com_stmt_execute",
                                "com_stmt_prepare",
                                // client connection errors
                                "aborted_clients",
                                "aborted_connects",
                                // bad SELECTs: should be zero
                                "select_full_join",
                                "select_full_range_join",
                                "select_range_check",
                                "select_scan",
                                // admin and SHOW
                                "com_flush",
                                "com_kill",
                                "com_purge",
                                "com_admin_commands",
                                "com_show_processlist",
                                "com_show_slave_status",
                                "com_show_status",
                                "com_show_variables",
                                "com_show_warnings"), Map.of(), Map.of())),
                level("data-size", Duration.ofMinutes(5),
                        domain("size.database", List.of(), Map.of(), Map.of()),
                        domain("size.table", List.of(), Map.of(), Map.of()),
                        domain("size.binlog", List.of(), Map.of(), Map.of("access-denied", ACCESS_DENIED_POLICY))),
                level("sysvars", Duration.ofMinutes(15),
                        domain("var.global", List.of(
                                "max_connections",
                                "max_prepared_stmt_count",
                                "innodb_log_file_size"), Map.of(), Map.of())));
    }

    /**
     * What Prometheus mysqld_exporter collects. Its one level is not collected on a schedule (it
     * serves scrapes); its 10s frequency gives collectors a time limit.
     */
    public static Plan defaultExporter() {
        return plan(DEFAULT_EXPORTER,
                level("prom", Duration.ofSeconds(10),
                        domain("status.global", List.of(), Map.of("all", "yes"), Map.of()),
                        domain("var.global", List.of(), Map.of("all", "yes"), Map.of()),
                        domain("innodb", List.of(), Map.of("all", "enabled"), Map.of())));
    }

    private static Plan plan(String name, Level... levels) {
        var byName = new LinkedHashMap<String, Level>();
        for (Level l : levels) {
            byName.put(l.name(), l);
        }
        return new Plan(name, SOURCE, byName);
    }

    private static Level level(String name, Duration freq, Domain... domains) {
        var byName = new LinkedHashMap<String, Domain>();
        for (Domain d : domains) {
            byName.put(d.name(), d);
        }
        return new Level(name, freq, byName);
    }

    private static Domain domain(String name, List<String> metrics, Map<String, String> options,
                                 Map<String, String> errors) {
        return new Domain(name, metrics, options, errors);
    }
}
