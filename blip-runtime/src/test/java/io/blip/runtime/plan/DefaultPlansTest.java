package io.blip.runtime.plan;

import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The built-in plans are exactly Blip's {@code plan/default/*.go}. */
class DefaultPlansTest {

    @Test
    void defaultMysql() {
        Plan p = DefaultPlans.defaultMysql();
        assertEquals("default-mysql", p.name());
        assertEquals("blip", p.source());
        assertEquals(List.of("performance", "additional", "data-size", "sysvars"), List.copyOf(p.levels().keySet()));

        Level performance = p.levels().get("performance");
        assertEquals(Duration.ofSeconds(5), performance.freq());
        assertEquals(List.of("status.global", "innodb", "repl", "repl.lag"), List.copyOf(performance.collect().keySet()));
        assertEquals(List.of("queries", "threads_running", "com_begin", "com_commit", "com_rollback", "com_select",
                "com_delete", "com_delete_multi", "com_insert", "com_insert_select", "com_replace", "com_replace_select",
                "com_update", "com_update_multi", "innodb_data_reads", "innodb_data_writes", "innodb_data_written",
                "innodb_data_read", "innodb_buffer_pool_read_requests", "innodb_buffer_pool_reads",
                "innodb_buffer_pool_wait_free", "innodb_buffer_pool_pages_dirty", "innodb_buffer_pool_pages_free",
                "innodb_buffer_pool_pages_total", "innodb_buffer_pool_pages_flushed", "innodb_os_log_written"),
                performance.collect().get("status.global").metrics());
        assertEquals(List.of("trx_active_transactions", "lock_timeouts", "lock_row_lock_current_waits",
                "lock_row_lock_waits", "lock_row_lock_time", "buffer_flush_adaptive_total_pages",
                "buffer_LRU_batch_flush_total_pages", "buffer_flush_background_total_pages", "log_lsn_checkpoint_age",
                "log_max_modified_age_async", "innodb_os_log_pending_writes", "innodb_log_waits",
                "trx_rseg_history_len", "lock_deadlocks"), performance.collect().get("innodb").metrics());
        assertEquals(new Domain("repl", List.of("running"), Map.of(), Map.of("access-denied", "ignore,drop,retry")),
                performance.collect().get("repl"));
        assertEquals(new Domain("repl.lag", List.of(), Map.of(), Map.of()), performance.collect().get("repl.lag"));

        Level additional = p.levels().get("additional");
        assertEquals(Duration.ofSeconds(20), additional.freq());
        assertEquals(List.of("created_tmp_disk_tables", "created_tmp_tables", "created_tmp_files", "connections",
                "threads_connected", "max_used_connections", "bytes_sent", "bytes_received", "binlog_cache_disk_use",
                "prepared_stmt_count", "com_stmt_execute", "com_stmt_prepare", "aborted_clients", "aborted_connects",
                "select_full_join", "select_full_range_join", "select_range_check", "select_scan", "com_flush",
                "com_kill", "com_purge", "com_admin_commands", "com_show_processlist", "com_show_slave_status",
                "com_show_status", "com_show_variables", "com_show_warnings"),
                additional.collect().get("status.global").metrics());

        Level dataSize = p.levels().get("data-size");
        assertEquals(Duration.ofMinutes(5), dataSize.freq());
        assertEquals(Map.of(
                "size.database", new Domain("size.database", List.of(), Map.of(), Map.of()),
                "size.table", new Domain("size.table", List.of(), Map.of(), Map.of()),
                "size.binlog", new Domain("size.binlog", List.of(), Map.of(), Map.of("access-denied", "ignore,drop,retry"))),
                dataSize.collect());

        Level sysvars = p.levels().get("sysvars");
        assertEquals(Duration.ofMinutes(15), sysvars.freq());
        assertEquals(Map.of("var.global", new Domain("var.global",
                List.of("max_connections", "max_prepared_stmt_count", "innodb_log_file_size"), Map.of(), Map.of())),
                sysvars.collect());
    }

    @Test
    void defaultExporter() {
        assertEquals(new Plan("default-exporter", "blip", Map.of("prom", new Level("prom", Duration.ofSeconds(10), Map.of(
                "status.global", new Domain("status.global", List.of(), Map.of("all", "yes"), Map.of()),
                "var.global", new Domain("var.global", List.of(), Map.of("all", "yes"), Map.of()),
                "innodb", new Domain("innodb", List.of(), Map.of("all", "enabled"), Map.of()))))),
                DefaultPlans.defaultExporter());
        assertEquals(List.of("default-mysql", "default-exporter"), DefaultPlans.all().stream().map(Plan::name).toList());
    }
}
