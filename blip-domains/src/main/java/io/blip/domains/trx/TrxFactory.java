package io.blip.domains.trx;

import io.blip.api.MetricType;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;

/** The {@code trx} domain: transaction metrics from {@code information_schema.innodb_trx}. */
public final class TrxFactory implements CollectorFactory {
    static final String DOMAIN = "trx";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "Transaction metrics")
            .metric("oldest", MetricType.GAUGE, "s", "The time of the oldest active transaction in seconds, 0 if none")
            .strictMetrics()
            .build();

    @Override
    public CollectorHelp help() {
        return HELP;
    }

    @Override
    public Collector make(CollectorContext context) {
        return new TrxCollector(context);
    }
}
