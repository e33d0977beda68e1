package io.blip.sink.otlp;

import io.blip.api.MetricValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code naming: otel}: the names, attributes and units of the OpenTelemetry Collector's {@code mysqlreceiver}
 * (its {@code metadata.yaml}) for what Blip collects that the receiver also reads: {@code status.global}
 * variables, {@code var.global} {@code innodb_buffer_pool_size} and {@code wait.io.table}'s per-operation
 * counts and timers. Every receiver metric is an int Sum, cumulative; the table says which are monotonic.
 * {@code OtelNameCheckTest} checks every entry against a copy of the receiver's metadata.
 *
 * <p>What the receiver does not cover keeps Blip's name; {@link #unit} gives the units Blip's domains leave
 * empty, which only this naming sends (with {@code naming: blip} a new unit would rename the series in a
 * Prometheus backend, which adds it to the name).
 */
final class OtelNames {
    private static final String STATUS_GLOBAL = "status.global";
    private static final String VAR_GLOBAL = "var.global";
    private static final String WAIT_IO_TABLE = "wait.io.table";
    /**
     * Blip reads no such variable: the mapper makes them for the receiver's "clean" pages and bytes, which
     * it computes as data less dirty. The dash keeps them apart from any status variable.
     */
    static final String CLEAN_PAGES = "innodb_buffer_pool_pages_data-dirty";
    static final String CLEAN_BYTES = "innodb_buffer_pool_bytes_data-dirty";

    /** A receiver metric: an int Sum, cumulative, monotonic or not. */
    record Metric(String name, String unit, boolean monotonic, String description) {
    }

    /**
     * Where one Blip metric goes.
     *
     * @param metric    the receiver's metric
     * @param attribute the attribute that tells it apart from the metric's other sources, or null
     * @param value     that attribute's value
     * @param divisor   what the value is divided by (the Performance Schema's picoseconds to nanoseconds)
     */
    record Target(Metric metric, String attribute, String value, long divisor) {
    }

    private static final Map<String, Target> STATUS = statusTargets();
    private static final Map<String, Target> WAITS = waitTargets();
    private static final Target BUFFER_POOL_LIMIT = new Target(
            sum("mysql.buffer_pool.limit", "By", false, "The configured size of the InnoDB buffer pool"),
            null, null, 1);
    /** wait.io.table's groups by the receiver's names. */
    private static final Map<String, String> WAIT_GROUPS = Map.of("db", "schema", "tbl", "table");

    /** Units of status variables the receiver does not cover, by MySQL's and MariaDB's documentation. */
    private static final Map<String, String> STATUS_UNITS = units(Map.of(
            "s", List.of("uptime_since_flush_status", "busy_time", "cpu_time"),
            "ms", List.of("innodb_row_lock_time_avg", "innodb_row_lock_time_max"),
            "By", List.of("innodb_data_read", "innodb_data_written", "innodb_os_log_written",
                    "innodb_buffer_pool_bytes_data", "binlog_bytes_written",
                    "innodb_redo_log_capacity_resized")));
    /** Units of system variables, by MySQL's documentation: sizes in bytes and timeouts in seconds. */
    private static final Map<String, String> VARIABLE_UNITS = units(Map.of(
            "By", List.of("innodb_log_file_size", "innodb_log_buffer_size", "innodb_redo_log_capacity",
                    "innodb_buffer_pool_chunk_size", "innodb_page_size", "max_allowed_packet", "max_heap_table_size",
                    "tmp_table_size", "key_buffer_size", "sort_buffer_size", "join_buffer_size", "read_buffer_size",
                    "read_rnd_buffer_size", "query_cache_size", "binlog_cache_size", "max_binlog_size"),
            "s", List.of("long_query_time", "wait_timeout", "interactive_timeout", "lock_wait_timeout",
                    "innodb_lock_wait_timeout", "connect_timeout", "net_read_timeout", "net_write_timeout")));

    private static Map<String, Target> statusTargets() {
        var targets = new HashMap<String, Target>();
        Sources status = (name, unit, monotonic, description, attribute, variablesAndValues) -> {
            Metric metric = new Metric(name, unit, monotonic, description);
            for (int i = 0; i < variablesAndValues.length; i += 2) {
                targets.put(variablesAndValues[i], new Target(metric, attribute, variablesAndValues[i + 1], 1));
            }
        };
        status.add("mysql.buffer_pool.pages", "1", false, "The number of pages in the InnoDB buffer pool", "kind",
                prefixed("innodb_buffer_pool_pages_", "data", "free", "misc"));
        status.add("mysql.buffer_pool.data_pages", "1", false, "The number of data pages in the InnoDB buffer pool",
                "status", "innodb_buffer_pool_pages_dirty", "dirty", CLEAN_PAGES, "clean");
        status.add("mysql.buffer_pool.usage", "By", false, "The number of bytes in the InnoDB buffer pool", "status",
                "innodb_buffer_pool_bytes_dirty", "dirty", CLEAN_BYTES, "clean");
        status.add("mysql.buffer_pool.page_flushes", "1", true, "Requests to flush pages from the InnoDB buffer pool",
                null, "innodb_buffer_pool_pages_flushed", null);
        status.add("mysql.buffer_pool.operations", "1", true, "Operations on the InnoDB buffer pool", "operation",
                prefixed("innodb_buffer_pool_", "read_ahead_rnd", "read_ahead", "read_ahead_evicted", "read_requests",
                        "reads", "wait_free", "write_requests"));
        status.add("mysql.client.network.io", "By", true, "Bytes between the server and its clients", "kind",
                prefixed("bytes_", "received", "sent"));
        status.add("mysql.connection.errors", "1", true, "Errors while clients connect", "error",
                "connection_errors_accept", "accept", "connection_errors_internal", "internal",
                "connection_errors_max_connections", "max_connections", "connection_errors_peer_address",
                "peer_address", "connection_errors_select", "select", "connection_errors_tcpwrap", "tcpwrap",
                "aborted_clients", "aborted_clients", "aborted_connects", "aborted", "locked_connects", "locked");
        status.add("mysql.connection.count", "1", true, "Connection attempts, successful or not", null,
                "connections", null);
        status.add("mysql.prepared_statements", "1", true, "Prepared statement commands issued", "command",
                prefixed("com_stmt_", "execute", "close", "fetch", "prepare", "reset", "send_long_data"));
        status.add("mysql.commands", "1", true, "Commands executed", "command",
                prefixed("com_", "delete", "insert", "select", "update"));
        status.add("mysql.tmp_resources", "1", true, "Temporary resources created", "resource",
                prefixed("created_tmp_", "disk_tables", "files", "tables"));
        status.add("mysql.handlers", "1", true, "Requests to MySQL's handlers", "kind",
                prefixed("handler_", "commit", "delete", "discover", "external_lock", "mrr_init", "prepare",
                        "read_first", "read_key", "read_last", "read_next", "read_prev", "read_rnd", "read_rnd_next",
                        "rollback", "savepoint", "savepoint_rollback", "update", "write"));
        status.add("mysql.double_writes", "1", true, "Writes to the InnoDB doublewrite buffer", "kind",
                prefixed("innodb_dblwr_", "pages_written", "writes"));
        status.add("mysql.log_operations", "1", true, "InnoDB log operations", "operation",
                prefixed("innodb_log_", "waits", "write_requests", "writes"));
        status.add("mysql.operations", "1", true, "InnoDB operations", "operation",
                prefixed("innodb_data_", "fsyncs", "reads", "writes"));
        status.add("mysql.page_operations", "1", true, "InnoDB page operations", "operation",
                prefixed("innodb_pages_", "created", "read", "written"));
        // The receiver's unit is 1 for both, though Innodb_row_lock_time is milliseconds; its value is as MySQL's.
        status.add("mysql.row_locks", "1", true, "InnoDB row lock waits and their time", "kind",
                prefixed("innodb_row_lock_", "waits", "time"));
        status.add("mysql.row_operations", "1", true, "InnoDB row operations", "operation",
                prefixed("innodb_rows_", "deleted", "inserted", "read", "updated"));
        status.add("mysql.locks", "1", true, "Table locks", "kind", prefixed("table_locks_", "immediate", "waited"));
        status.add("mysql.joins", "1", true, "Joins that scan tables", "kind",
                "select_full_join", "full", "select_full_range_join", "full_range", "select_range", "range",
                "select_range_check", "range_check", "select_scan", "scan");
        status.add("mysql.table_open_cache", "1", true, "Open table cache lookups", "status",
                "table_open_cache_hits", "hit", "table_open_cache_misses", "miss",
                "table_open_cache_overflows", "overflow");
        status.add("mysql.qcache.queries", "1", true, "Queries in the query cache", null,
                "qcache_queries_in_cache", null);
        status.add("mysql.qcache.hits", "1", true, "Query cache hits", null, "qcache_hits", null);
        status.add("mysql.qcache.not.cached", "1", true, "Queries not cached", null, "qcache_not_cached", null);
        status.add("mysql.query.count", "1", true, "Statements executed", null, "queries", null);
        status.add("mysql.query.client.count", "1", true, "Statements executed that clients sent", null,
                "questions", null);
        status.add("mysql.query.slow.count", "1", true, "Slow queries", null, "slow_queries", null);
        status.add("mysql.sorts", "1", true, "Sorts", "kind",
                prefixed("sort_", "merge_passes", "range", "rows", "scan"));
        status.add("mysql.threads", "1", false, "MySQL threads", "kind",
                prefixed("threads_", "cached", "connected", "created", "running"));
        status.add("mysql.opened_resources", "1", true, "Resources opened", "kind",
                "opened_files", "file", "opened_tables", "table", "opened_table_definitions", "table_definition");
        status.add("mysql.mysqlx_worker_threads", "1", false, "X Plugin worker threads", "kind",
                "mysqlx_worker_threads", "available", "mysqlx_worker_threads_active", "active");
        status.add("mysql.mysqlx_connections", "1", true, "X Plugin connections", "status",
                prefixed("mysqlx_connections_", "accepted", "closed", "rejected"));
        status.add("mysql.uptime", "s", true, "Seconds the server has been up", null, "uptime", null);
        return Map.copyOf(targets);
    }

    private static Map<String, Target> waitTargets() {
        var targets = new HashMap<String, Target>();
        Metric count = sum("mysql.table.io.wait.count", "1", true, "I/O wait events of a table");
        Metric time = sum("mysql.table.io.wait.time", "ns", true, "Time of a table's I/O wait events");
        for (String op : List.of("fetch", "insert", "update", "delete")) {
            targets.put("count_" + op, new Target(count, "operation", op, 1));
            targets.put("sum_timer_" + op, new Target(time, "operation", op, 1000));
        }
        return Map.copyOf(targets);
    }

    private OtelNames() {
    }

    private static Map<String, String> units(Map<String, List<String>> namesByUnit) {
        var out = new HashMap<String, String>();
        namesByUnit.forEach((unit, names) -> names.forEach(name -> out.put(name, unit)));
        return Map.copyOf(out);
    }

    /** Pairs of variable and attribute value for variables named {@code <prefix><value>}. */
    private static String[] prefixed(String prefix, String... values) {
        var pairs = new String[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            pairs[2 * i] = prefix + values[i];
            pairs[2 * i + 1] = values[i];
        }
        return pairs;
    }

    private static Metric sum(String name, String unit, boolean monotonic, String description) {
        return new Metric(name, unit, monotonic, description);
    }

    /** A receiver metric and its sources: pairs of status variable and attribute value (null: no attribute). */
    @FunctionalInterface
    private interface Sources {
        void add(String name, String unit, boolean monotonic, String description, String attribute,
                 String... variablesAndValues);
    }

    /** The receiver's metric for a Blip metric, or null when the receiver does not cover it. */
    static Target target(String domain, String metric) {
        return switch (domain) {
            case STATUS_GLOBAL -> STATUS.get(metric);
            case VAR_GLOBAL -> metric.equals("innodb_buffer_pool_size") ? BUFFER_POOL_LIMIT : null;
            // Blip's docs write the columns in upper case; the domain accepts either.
            case WAIT_IO_TABLE -> WAITS.get(metric.toLowerCase(Locale.ROOT));
            default -> null;
        };
    }

    /** The receiver's name of one of a domain's group keys. */
    static String groupKey(String domain, String key) {
        return domain.equals(WAIT_IO_TABLE) ? WAIT_GROUPS.getOrDefault(key, key) : key;
    }

    /**
     * The unit of a metric the receiver does not cover and whose domain declares none: from the name of a
     * status or system variable where it says ({@code bytes_*}, {@code *_bytes}), else from what MySQL
     * documents; empty when unknown.
     */
    static String unit(String domain, String metric) {
        return switch (domain) {
            case STATUS_GLOBAL -> metric.startsWith("bytes_") || metric.endsWith("_bytes") ? "By"
                    : STATUS_UNITS.getOrDefault(metric, "");
            case VAR_GLOBAL -> VARIABLE_UNITS.getOrDefault(metric, "");
            default -> "";
        };
    }

    /**
     * The receiver's clean pages and bytes, data less dirty, as status variables of their own, when the
     * collection has both.
     */
    static List<MetricValue> derived(String domain, List<MetricValue> values) {
        if (!domain.equals(STATUS_GLOBAL)) {
            return values;
        }
        var byName = new HashMap<String, MetricValue>();
        for (MetricValue v : values) {
            if (v.name().startsWith("innodb_buffer_pool_")) {
                byName.put(v.name(), v);
            }
        }
        List<MetricValue> out = null;
        for (String kind : List.of("pages", "bytes")) {
            MetricValue data = byName.get("innodb_buffer_pool_" + kind + "_data");
            MetricValue dirty = byName.get("innodb_buffer_pool_" + kind + "_dirty");
            if (data != null && dirty != null) {
                if (out == null) {
                    out = new ArrayList<>(values);
                }
                out.add(MetricValue.gauge(kind.equals("pages") ? CLEAN_PAGES : CLEAN_BYTES,
                        data.value() - dirty.value()));
            }
        }
        return out == null ? values : out;
    }

    /** Every Blip metric this naming sends by a receiver's name, by domain (for the name check). */
    static Map<String, List<String>> sources() {
        var clean = List.of(CLEAN_PAGES, CLEAN_BYTES);
        return Map.of(STATUS_GLOBAL, STATUS.keySet().stream().filter(k -> !clean.contains(k)).sorted().toList(),
                VAR_GLOBAL, List.of("innodb_buffer_pool_size"),
                WAIT_IO_TABLE, WAITS.keySet().stream().sorted().toList());
    }
}
