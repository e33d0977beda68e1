package io.blip.domains;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.collect.CollectorFactory;
import io.blip.kit.CollectorContract;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The built-in domains pass the collector contract of the plugin kit, as a third party's would. */
class DomainsContractTest extends CollectorContract {

    @Override
    protected List<CollectorFactory> factories() {
        // The tests run inside io.blip.domains, which provides the factories but, unlike the runtime, does not use them.
        DomainsContractTest.class.getModule().addUses(CollectorFactory.class);
        return ServiceLoader.load(CollectorFactory.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    @Test
    void theModuleProvidesEveryBuiltInDomain() {
        assertEquals(Set.of("status.global", "var.global", "innodb", "repl", "repl.lag", "size.database",
                        "size.table", "size.binlog", "trx", "error.global", "error.account", "error.host", "error.thread",
                        "error.user", "innodb.buffer-pool", "autoinc", "tls",
                        "query.response-time", "wait.io.table", "stmt.current", "percona.response-time"),
                factories().stream().map(CollectorFactory::domain).collect(Collectors.toSet()));
    }
}
