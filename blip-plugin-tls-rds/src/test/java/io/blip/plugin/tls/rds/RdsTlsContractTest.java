package io.blip.plugin.tls.rds;

import io.blip.api.config.Address;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.tls.TlsProvider;
import io.blip.kit.TlsProviderContract;
import java.util.Map;

/** The RDS TLS provider passes the plugin kit's contract, as a third party's would. */
class RdsTlsContractTest extends TlsProviderContract {

    private static MonitorConfig monitor(String host) {
        return MonitorConfig.of("db1").withAddress(new Address(host, Address.MYSQL_PORT, ""))
                .withSection("aws", new RdsTlsSection().options().read(OptionSet.Input.of("aws", Map.of())));
    }

    @Override
    protected TlsProvider provider() {
        return new RdsTlsProvider();
    }

    @Override
    protected MonitorConfig appliesTo() {
        return monitor("mydb.c9akciq32abc.us-east-1.rds.amazonaws.com");
    }

    @Override
    protected MonitorConfig doesNotApplyTo() {
        return monitor("db.example.com");
    }
}
