package io.blip.domains.sizedatabase;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/** The {@code size.database} domain: database sizes from {@code information_schema.tables}. */
public final class SizeDatabaseFactory extends DomainFactory {
    static final String DOMAIN = "size.database";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "Database sizes")
            .option(Option.string("include",
                    "Comma-separated list of database names to include (overrides option exclude)"))
            .option(Option.string("exclude",
                    "Comma-separated list of database names to exclude (ignored if include is set)")
                    .withDefault("mysql,information_schema,performance_schema,sys"))
            .option(Option.oneOf("like", "Each database in include or exclude is a MySQL LIKE pattern",
                    "yes", "Enable, use LIKE pattern matching",
                    "no", "Disable, use literal database names").withDefault("no"))
            // Blip's docs say the default is yes; its code says no. The docs win (ARCHITECTURE.md).
            .option(Option.oneOf("total", "Report the total size of all databases",
                    "yes", "Total and per-database sizes",
                    "no", "Only per-database sizes",
                    "only", "Only the total size").withDefault("yes"))
            .metric("bytes", MetricType.GAUGE, "By", "Database size: data and indexes")
            .strictMetrics()
            .group("db")
            .build();

    public SizeDatabaseFactory() {
        super(HELP, SizeDatabaseCollector::new);
    }
}
