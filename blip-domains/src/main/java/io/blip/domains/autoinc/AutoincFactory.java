package io.blip.domains.autoinc;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/**
 * The {@code autoinc} domain: how much of its integer type's range each auto-increment column has
 * used, from {@code information_schema.COLUMNS} and {@code TABLES}.
 */
public final class AutoincFactory extends DomainFactory {
    static final String DOMAIN = "autoinc";
    static final String DEFAULT_EXCLUDE = "mysql.*,information_schema.*,performance_schema.*,sys.*";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "Auto-increment utilization: the percent of"
                    + " the column type's range used (e.g. a TINYINT UNSIGNED at 200 is 78.4); reports the tables"
                    + " the user has a privilege on")
            .option(Option.string("include", "Comma-separated list of db.table, db.* or table names to include"
                    + " (overrides option exclude)"))
            .option(Option.string("exclude", "Comma-separated list of db.table, db.* or table names to exclude"
                    + " (ignored if include is set)").withDefault(DEFAULT_EXCLUDE))
            // Blip reports a ratio (0..1) under a description that says percentage; this is the percentage.
            .metric("usage", MetricType.GAUGE, "%", "The percentage of the auto-increment range used: the next"
                    + " value over the largest value of the column's type (signed or unsigned)")
            .strictMetrics()
            .group("db")
            .group("tbl")
            .group("col")
            .group("data_type")
            .build();

    public AutoincFactory() {
        super(HELP, AutoincCollector::new);
    }
}
