package io.blip.domains.error;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.Option;
import io.blip.domains.Truncation;

import java.util.List;

/**
 * The five error summary tables of MySQL 8's Performance Schema and what sets their domains apart:
 * the table, the columns a row is summed by besides the error (its groups) and what the
 * {@code include} and {@code exclude} options list. Everything else the five share.
 */
enum ErrorTable {
    GLOBAL("error.global", "events_errors_summary_global_by_error", List.of(), List.of(), null, ""),
    ACCOUNT("error.account", "events_errors_summary_by_account_by_error", List.of("USER", "HOST"),
            List.of("error_user", "error_host"), "accounts (user@host; * for any user or any host, not both)", ""),
    HOST("error.host", "events_errors_summary_by_host_by_error", List.of("HOST"), List.of("error_host"),
            "hosts", ""),
    THREAD("error.thread", "events_errors_summary_by_thread_by_error", List.of("THREAD_ID"),
            List.of("error_thread"), "thread ids", ""),
    // Only error.user excludes event_scheduler by default: Blip's docs say so for it alone, and its
    // code's help gives the same default to the host, thread and account lists, where it means nothing.
    USER("error.user", "events_errors_summary_by_user_by_error", List.of("USER"), List.of("error_user"),
            "users", "event_scheduler");

    static final String ER_NO_SUCH_TABLE_NAME = "table-not-exist";
    static final int ER_NO_SUCH_TABLE = Truncation.ER_NO_SUCH_TABLE;
    static final String TRUNCATE_FAILED = Truncation.TIMEOUT_ERROR;
    static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    static final int ER_QUERY_INTERRUPTED = Truncation.ER_QUERY_INTERRUPTED;
    static final String DEFAULT_TRUNCATE_TIMEOUT = "250ms";

    private final String domain;
    private final String table;
    private final List<String> columns;
    private final List<String> groups;
    private final String filtered;
    private final String excludeByDefault;

    /**
     * @param columns          the columns a row is summed by besides the error, in the table's order
     * @param groups           their group keys, in the same order
     * @param filtered         what include and exclude list; null when the domain has neither
     * @param excludeByDefault the default of exclude
     */
    ErrorTable(String domain, String table, List<String> columns, List<String> groups, String filtered,
               String excludeByDefault) {
        this.domain = domain;
        this.table = table;
        this.columns = columns;
        this.groups = groups;
        this.filtered = filtered;
        this.excludeByDefault = excludeByDefault;
    }

    String domain() {
        return domain;
    }

    String table() {
        return table;
    }

    List<String> columns() {
        return columns;
    }

    List<String> groups() {
        return groups;
    }

    boolean hasFilters() {
        return filtered != null;
    }

    /** What the domain is summed by, for its description: {@code user}, {@code account}. */
    private String by() {
        return domain.substring("error.".length());
    }

    CollectorHelp help() {
        var help = CollectorHelp.builder(domain, "Errors raised" + (this == GLOBAL ? "" : " by " + by())
                        + " and error, from performance_schema." + table + " (MySQL 8.0+; MariaDB has no such table),"
                        + " e.g. raised{error_number=1062,error_name=ER_DUP_ENTRY}")
                .option(Option.oneOf("all", "Which errors to collect: the level's metrics list error numbers"
                                + " (1062) or names (ER_DUP_ENTRY)",
                        "yes", "All errors (ignore the metrics list)",
                        "no", "Only the errors the metrics list",
                        "exclude", "All errors but those the metrics list").withDefault("yes"))
                .option(Option.oneOf("total", "Report the total of errors raised"
                                + (this == GLOBAL ? "" : " per " + by())
                                + " (error_number and error_name empty), of the errors collected",
                        "yes", "Report each error and the total",
                        "no", "Report each error, no total",
                        "only", "Report only the total").withDefault("yes"));
        if (hasFilters()) {
            // Blip's help declares include twice (the second should be exclude), so a plan that sets
            // exclude fails its validation; both are declared here.
            help.option(Option.string("include", "Comma-separated list of " + filtered
                    + " to collect (overrides option exclude)"));
            Option exclude = Option.string("exclude", "Comma-separated list of " + filtered
                    + " not to collect (ignored if include is set)");
            help.option(excludeByDefault.isEmpty() ? exclude : exclude.withDefault(excludeByDefault));
        }
        help.option(Option.oneOf("truncate-table", "Truncate the table after each collection, so that values are"
                                + " the errors raised since the last one (needs the DROP privilege on the table)",
                        "yes", "Truncate after each collection: raised is a delta counter",
                        "no", "Do not truncate: raised is a cumulative counter").withDefault("no"))
                .option(Option.duration("truncate-timeout", "How long a truncation may wait (for metadata"
                        + " locks) before it is cancelled; less than the level's frequency")
                        .withDefault(DEFAULT_TRUNCATE_TIMEOUT).positive())
                .option(Option.oneOf("truncate-on-startup", "Truncate the table when the plan is prepared"
                                + " (needs the DROP privilege on the table), with truncate-timeout",
                        "yes", "Truncate when the plan is prepared",
                        "no", "Do not truncate when the plan is prepared").withDefault("yes"))
                .metric("raised", MetricType.CUMULATIVE_COUNTER, "Errors raised (SUM_ERROR_RAISED); a delta counter"
                        + " when truncate-table=yes")
                .group("error_number")
                .group("error_name");
        groups.forEach(help::group);
        return help
                .error(ER_NO_SUCH_TABLE_NAME, "MySQL error 1146: Table 'performance_schema." + table
                        + "' doesn't exist (MariaDB, MySQL before 8.0)", ER_NO_SUCH_TABLE)
                .error(TRUNCATE_FAILED, "Truncating the table failed or did not finish within truncate-timeout"
                        + " (MySQL error 1205 lock wait timeout, 1317 cancelled, or any other error);"
                        + " the metric part applies to the values of collections whose interval a failed"
                        + " truncation lengthened", ER_LOCK_WAIT_TIMEOUT, ER_QUERY_INTERRUPTED)
                .build();
    }
}
