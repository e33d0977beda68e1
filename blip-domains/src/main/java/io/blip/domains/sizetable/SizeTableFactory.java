package io.blip.domains.sizetable;

import io.blip.api.MetricType;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.OptionHelp;

/** The {@code size.table} domain: table sizes from {@code information_schema.tables}. */
public final class SizeTableFactory implements CollectorFactory {
    static final String DOMAIN = "size.table";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "Table sizes")
            .option(OptionHelp.of("include", "Comma-separated list of db.table, db.* or table names to include"
                    + " (overrides option exclude)", ""))
            .option(OptionHelp.of("exclude", "Comma-separated list of db.table, db.* or table names to exclude"
                    + " (ignored if include is set)", "mysql.*,information_schema.*,performance_schema.*,sys.*"))
            // Blip's code reports the total only when the option is set to yes; its docs and Help() say
            // the default is yes. The docs win.
            .option(OptionHelp.oneOf("total", "Report the total size of all tables", "yes",
                    "yes", "Includes total size of all tables",
                    "no", "Excludes total size of all tables"))
            .metric("bytes", MetricType.GAUGE, "By", "Table size: data and indexes")
            .strictMetrics()
            .group("db")
            .group("tbl")
            .build();

    @Override
    public CollectorHelp help() {
        return HELP;
    }

    @Override
    public Collector make(CollectorContext context) {
        return new SizeTableCollector(context);
    }
}
