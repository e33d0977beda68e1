package io.blip.domains.varglobal;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/** The {@code var.global} domain: numeric global system variables, as gauges. */
public final class VarGlobalFactory extends DomainFactory {
    static final String DOMAIN = "var.global";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN,
                    "Global system variables (sysvars) like 'innodb_log_file_size' and 'max_connections'")
            .option(Option.oneOf("source", "Where to collect sysvars from",
                    "auto", "Auto-determine best source: select, else pfs, else show",
                    "select", "@@GLOBAL.metric_name",
                    "pfs", "performance_schema.global_variables",
                    "show", "SHOW GLOBAL VARIABLES").withDefault("auto"))
            .option(Option.oneOf("all", "Collect all sysvars",
                    "yes", "Collect all (CAUTION: there are >500 sysvars)",
                    "no", "Collect only sysvars listed in metrics").withDefault("no"))
            .build();

    public VarGlobalFactory() {
        super(HELP, VarGlobalCollector::new);
    }
}
