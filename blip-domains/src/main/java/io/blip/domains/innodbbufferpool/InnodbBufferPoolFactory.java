package io.blip.domains.innodbbufferpool;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/**
 * The {@code innodb.buffer-pool} domain: the columns of {@code information_schema.innodb_buffer_pool_stats},
 * summed over the buffer pool instances. A metric's name is its column's name, lowercase.
 */
public final class InnodbBufferPoolFactory extends DomainFactory {
    static final String DOMAIN = "innodb.buffer-pool";

    /**
     * Every column but POOL_ID, in the table's order, with its type and meaning. Blip types them all as
     * cumulative counters but the rates as delta counters; here the sizes, pending counts, rates and
     * ratios are gauges (they go up and down) and only the running totals are cumulative counters.
     * Blip also lists {@code young_make_per_thousand_get} and {@code not_young_make_per_thousand_get},
     * columns no server has (MySQL and MariaDB end both in {@code _gets}), so its query fails whenever
     * they are asked for; these are the real names.
     */
    static final Column[] COLUMNS = {
        gauge("pool_size", "Buffer pool size in pages"),
        gauge("free_buffers", "Free pages"),
        gauge("database_pages", "Pages holding data"),
        gauge("old_database_pages", "Pages in the old sublist of the LRU list"),
        gauge("modified_database_pages", "Dirty pages (modified, not yet flushed)"),
        gauge("pending_decompress", "Pages pending decompression"),
        gauge("pending_reads", "Pending reads"),
        gauge("pending_flush_lru", "Pages pending flush in the LRU list"),
        gauge("pending_flush_list", "Pages pending flush in the flush list"),
        counter("pages_made_young", "Pages made young (moved to the head of the LRU list)"),
        counter("pages_not_made_young", "Pages not made young"),
        gauge("pages_made_young_rate", "Pages made young per second since the last InnoDB monitor printout"),
        gauge("pages_made_not_young_rate", "Pages not made young per second since the last InnoDB monitor"
                + " printout"),
        counter("number_pages_read", "Pages read"),
        counter("number_pages_created", "Pages created"),
        counter("number_pages_written", "Pages written"),
        gauge("pages_read_rate", "Pages read per second since the last InnoDB monitor printout"),
        gauge("pages_create_rate", "Pages created per second since the last InnoDB monitor printout"),
        gauge("pages_written_rate", "Pages written per second since the last InnoDB monitor printout"),
        counter("number_pages_get", "Logical read requests"),
        ratio("hit_rate", "Buffer pool hits per 1000 page requests since the last InnoDB monitor printout"),
        ratio("young_make_per_thousand_gets", "Pages made young per 1000 page requests since the last InnoDB"
                + " monitor printout"),
        ratio("not_young_make_per_thousand_gets", "Pages not made young per 1000 page requests since the last"
                + " InnoDB monitor printout"),
        counter("number_pages_read_ahead", "Pages read ahead"),
        counter("number_read_ahead_evicted", "Pages read ahead and evicted unused"),
        gauge("read_ahead_rate", "Pages read ahead per second since the last InnoDB monitor printout"),
        gauge("read_ahead_evicted_rate", "Pages read ahead and evicted unused per second since the last InnoDB"
                + " monitor printout"),
        counter("lru_io_total", "LRU I/O total"),
        gauge("lru_io_current", "LRU I/O in the current interval"),
        counter("uncompress_total", "Pages decompressed"),
        gauge("uncompress_current", "Pages decompressed in the current interval"),
    };

    /**
     * @param name  the column's name, lowercase, and the metric's
     * @param type  the metric's type
     * @param ratio whether it is a per-mille ratio of one pool: averaged over the pools, not summed
     * @param help  what it measures
     */
    record Column(String name, MetricType type, boolean ratio, String help) {
    }

    static final CollectorHelp HELP = buildHelp();

    private static CollectorHelp buildHelp() {
        var help = CollectorHelp.builder(DOMAIN, "InnoDB buffer pool stats from"
                        + " information_schema.innodb_buffer_pool_stats, summed over all pools (e.g. free_buffers);"
                        + " needs the PROCESS privilege")
                .option(Option.oneOf("all", "Collect metrics from all columns in the"
                                + " information_schema.innodb_buffer_pool_stats table",
                        "yes", "All metrics (ignore metrics list)",
                        "no", "Specified metrics").withDefault("no"))
                .error("access-denied", "MySQL error 1227: access denied on information_schema.innodb_buffer_pool_stats"
                        + " (need the PROCESS privilege)", 1227);
        for (Column c : COLUMNS) {
            help.metric(c.name(), c.type(), c.help());
        }
        return help.strictMetrics().build();
    }

    private static Column gauge(String name, String help) {
        return new Column(name, MetricType.GAUGE, false, help);
    }

    private static Column counter(String name, String help) {
        return new Column(name, MetricType.CUMULATIVE_COUNTER, false, help);
    }

    private static Column ratio(String name, String help) {
        return new Column(name, MetricType.GAUGE, true, help + " (averaged over the pools)");
    }

    public InnodbBufferPoolFactory() {
        super(HELP, InnodbBufferPoolCollector::new);
    }
}
