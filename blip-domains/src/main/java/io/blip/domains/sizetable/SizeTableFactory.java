package io.blip.domains.sizetable;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/** The {@code size.table} domain: table sizes from {@code information_schema.tables}. */
public final class SizeTableFactory extends DomainFactory {
    static final String DOMAIN = "size.table";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "Table sizes")
            .option(Option.string("include", "Comma-separated list of db.table, db.* or table names to include"
                    + " (overrides option exclude)"))
            .option(Option.string("exclude", "Comma-separated list of db.table, db.* or table names to exclude"
                    + " (ignored if include is set)")
                    .withDefault("mysql.*,information_schema.*,performance_schema.*,sys.*"))
            // Blip's code reports the total only when the option is set to yes; its docs and Help() say
            // the default is yes. The docs win.
            .option(Option.oneOf("total", "Report the total size of all tables",
                    "yes", "Includes total size of all tables",
                    "no", "Excludes total size of all tables").withDefault("yes"))
            .metric("bytes", MetricType.GAUGE, "By", "Table size: data and indexes")
            .strictMetrics()
            .group("db")
            .group("tbl")
            .build();

    public SizeTableFactory() {
        super(HELP, SizeTableCollector::new);
    }
}
