package io.blip.domains.trx;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;

/** The {@code trx} domain: transaction metrics from {@code information_schema.innodb_trx}. */
public final class TrxFactory extends DomainFactory {
    static final String DOMAIN = "trx";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "Transaction metrics")
            .metric("oldest", MetricType.GAUGE, "s", "The time of the oldest active transaction in seconds, 0 if none")
            .strictMetrics()
            .build();

    public TrxFactory() {
        super(HELP, TrxCollector::new);
    }
}
