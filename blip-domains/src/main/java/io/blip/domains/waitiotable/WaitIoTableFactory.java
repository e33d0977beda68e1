package io.blip.domains.waitiotable;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;
import io.blip.domains.PerformanceSchema;
import io.blip.domains.Truncation;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code wait.io.table} domain: table I/O wait counts and timers, by table, from
 * {@code performance_schema.table_io_waits_summary_by_table}.
 */
public final class WaitIoTableFactory extends DomainFactory {
    static final String DOMAIN = "wait.io.table";
    static final String TABLE = "performance_schema.table_io_waits_summary_by_table";
    static final String TRUNCATE_TIMEOUT = Truncation.TIMEOUT_ERROR;
    /** ER_LOCK_WAIT_TIMEOUT: lock_wait_timeout passed while TRUNCATE waited for the table's metadata lock. */
    static final int LOCK_WAIT_TIMEOUT = 1205;
    /** ER_QUERY_INTERRUPTED: truncate-timeout passed and the TRUNCATE was cancelled. */
    static final int QUERY_INTERRUPTED = 1317;

    /**
     * The table's columns that are metrics, in the table's order: for all operations ({@code star},
     * whose timers end in {@code _wait}), reads, writes, and each of fetch, insert, update, delete.
     */
    static final List<String> COLUMNS = columns();

    static final CollectorHelp HELP = buildHelp();

    public WaitIoTableFactory() {
        super(HELP, WaitIoTableCollector::new);
    }

    private static List<String> columns() {
        var columns = new ArrayList<String>();
        for (String op : List.of("star", "read", "write", "fetch", "insert", "update", "delete")) {
            String timer = op.equals("star") ? "wait" : op;
            columns.add("count_" + op);
            for (String stat : List.of("sum", "min", "avg", "max")) {
                columns.add(stat + "_timer_" + timer);
            }
        }
        return List.copyOf(columns);
    }

    /** Whether a column is a count or a sum of timers (a counter), not a least, mean or greatest timer (a gauge). */
    static boolean isCounter(String column) {
        return column.startsWith("count_") || column.startsWith("sum_");
    }

    private static CollectorHelp buildHelp() {
        var b = CollectorHelp.builder(DOMAIN, "Table I/O waits by table (count_star, sum_timer_wait, ...) from "
                        + TABLE)
                .option(Option.oneOf("all", "Collect all metrics",
                        "yes", "All metrics (ignore metrics list)",
                        "no", "Specified metrics").withDefault("no"))
                .option(Option.string("include", "Comma-separated list of db.table, db.* or table names to include"
                        + " (overrides option exclude)"))
                .option(Option.string("exclude", "Comma-separated list of db.table, db.* or table names to exclude"
                        + " (ignored if include is set)")
                        .withDefault("mysql.*,information_schema.*,performance_schema.*,sys.*"))
                .option(Option.oneOf("truncate-table", "If the source table should be truncated to reset data after"
                                + " each retrieval (needs the DROP privilege on " + TABLE + "; without it, the"
                                + " counters are collected cumulative)",
                        "yes", "Truncate source table after each retrieval: counters are delta counters",
                        "no", "Do not truncate source table: counters are cumulative counters").withDefault("yes"))
                .option(Option.duration(TRUNCATE_TIMEOUT, "The amount of time to attempt to truncate the source"
                        + " table before timing out (duration such as 250ms; at least 1ms). Also sets"
                        + " lock_wait_timeout for the TRUNCATE, rounded up to whole seconds")
                        .withDefault("250ms").atLeast("1ms"));
        for (String column : COLUMNS) {
            // Timers in the Performance Schema's picoseconds, as Blip reports them.
            b.metric(column, isCounter(column) ? MetricType.DELTA_COUNTER : MetricType.GAUGE,
                    column.contains("_timer_") ? "ps" : "", describe(column));
        }
        return b.strictMetrics()
                .group("db")
                .group("tbl")
                .error(TRUNCATE_TIMEOUT, "Truncating " + TABLE + " failed: truncate-timeout passed (error 1317),"
                                + " lock_wait_timeout passed (1205), or another error. The values read before"
                                + " it are reported; until a truncate succeeds, the policy's drop or zero applies",
                        LOCK_WAIT_TIMEOUT, QUERY_INTERRUPTED)
                .error("table-not-exist", "MySQL error 1146: " + TABLE + " does not exist; also given when"
                                + " performance_schema=OFF, the global_instrumentation consumer or the"
                                + " wait/io/table/sql/handler instrument is disabled (the table is then empty)",
                        PerformanceSchema.TABLE_NOT_EXIST)
                .build();
    }

    private static String describe(String column) {
        String op = column.substring(column.lastIndexOf('_') + 1);
        String events = switch (op) {
            case "star", "wait" -> "table I/O events";
            case "read" -> "read events (fetch)";
            case "write" -> "write events (insert, update, delete)";
            default -> op + " events";
        };
        String counters = " (delta counter with truncate-table=yes, else cumulative counter)";
        return switch (column.substring(0, column.indexOf('_'))) {
            case "count" -> "Number of " + events + counters;
            case "sum" -> "Total wait of " + events + " in picoseconds" + counters;
            case "min" -> "Shortest wait of " + events + " in picoseconds (gauge)";
            case "avg" -> "Average wait of " + events + " in picoseconds (gauge)";
            default -> "Longest wait of " + events + " in picoseconds (gauge)";
        };
    }
}
