package io.blip.plugin.aws.region;

import static io.blip.plugin.aws.TestMonitors.monitor;
import static io.blip.plugin.aws.TestMonitors.region;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.config.TlsConfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointRegionResolverTest {
    private final EndpointRegionResolver resolver = new EndpointRegionResolver();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // Instances, as in Blip's docs: <db-id>.<cluster>.<region>.rds.amazonaws.com
            "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com, us-east-1",
            "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com:3306, us-east-1",
            "prod-orders-1.c9akciq32.eu-central-1.rds.amazonaws.com:3307, eu-central-1",
            "MyDB.ABCDEFGHIJKL.US-WEST-2.RDS.AMAZONAWS.COM, us-west-2",
            "mydb.abcdefghijkl.ap-southeast-2.rds.amazonaws.com., ap-southeast-2",
            "mydb-green-abc123.abcdefghijkl.us-east-2.rds.amazonaws.com, us-east-2",
            "mydb.abcdefghijkl.il-central-1.rds.amazonaws.com, il-central-1",
            // Aurora cluster, reader and custom endpoints
            "orders.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com, us-east-1",
            "orders.cluster-ro-abcdefghijkl.eu-west-1.rds.amazonaws.com:3306, eu-west-1",
            "reporting.cluster-custom-abcdefghijkl.ap-northeast-1.rds.amazonaws.com, ap-northeast-1",
            "orders-instance-1.abcdefghijkl.sa-east-1.rds.amazonaws.com, sa-east-1",
            // Aurora Limitless shard groups
            "orders.shardgrp-abcdefghijkl.us-east-1.rds.amazonaws.com, us-east-1",
            // RDS Proxy, its default and custom endpoints
            "my-proxy.proxy-abcdefghijkl.us-west-1.rds.amazonaws.com, us-west-1",
            "readers.endpoint.proxy-abcdefghijkl.us-west-1.rds.amazonaws.com:3306, us-west-1",
            // FIPS and other partitions
            "mydb.abcdefghijkl.us-gov-west-1.rds.amazonaws.com, us-gov-west-1",
            "mydb.abcdefghijkl.us-east-1.rds-fips.amazonaws.com, us-east-1",
            "mydb.abcdefghijkl.rds.us-gov-east-1.amazonaws.com, us-gov-east-1",
            "mydb.abcdefghijkl.eusc-de-east-1.rds.amazonaws.eu, eusc-de-east-1",
            "mydb.abcdefghijkl.us-iso-east-1.rds.c2s.ic.gov, us-iso-east-1",
            "mydb.abcdefghijkl.rds.us-isob-east-1.sc2s.sgov.gov, us-isob-east-1",
            // China: rds before the region, and the older form with rds after it
            "mydb.abcdefghijkl.rds.cn-north-1.amazonaws.com.cn, cn-north-1",
            "orders.cluster-abcdefghijkl.rds.cn-northwest-1.amazonaws.com.cn:3306, cn-northwest-1",
            "orders.cluster-ro-abcdefghijkl.rds.cn-northwest-1.amazonaws.com.cn, cn-northwest-1",
            "my-proxy.proxy-abcdefghijkl.rds.cn-north-1.amazonaws.com.cn, cn-north-1",
            "mydb.abcdefghijkl.cn-north-1.rds.amazonaws.com.cn, cn-north-1",
    })
    void findsTheRegionInRdsEndpoints(String hostname, String region) {
        assertEquals(Optional.of(region), resolver.region(monitor(hostname, region(""))));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "",
            "localhost",
            "localhost:3306",
            "127.0.0.1:3306",
            "[::1]:3306",
            "[2600:1f18::1]:3306",
            "db.example.com",
            "db1.prod.us-east-1.example.co.uk",
            "mydb.rds.amazonaws.com",
            "mydb.us-east-1.rds.amazonaws.com",
            "abcdefghijkl.us-east-1.rds.amazonaws.com",
            "mydb.abcdefghijkl.rds.amazonaws.com",
            "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com.evil.example",
            "mydb.abcdefghijkl.us-east-1.ec2.amazonaws.com",
            "mydb.abcdefghijkl.us-east-1.elb.amazonaws.com",
            "mydb.abcdefghijkl.notaregion.rds.amazonaws.com",
            "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com:notaport",
            "mydb.abc_def.us-east-1.rds.amazonaws.com",
    })
    void findsNothingInOtherNames(String hostname) {
        assertEquals(Optional.empty(), resolver.region(monitor(hostname, region(""))));
    }

    @Test
    void aSocketMonitorHasNoEndpoint() {
        var m = monitor("db1", "", "/var/run/mysqld/mysqld.sock", region(""), TlsConfig.EMPTY);
        assertEquals(Optional.empty(), resolver.region(m));
    }

    @Test
    void aLongNonMatchingNameIsRejectedQuickly() {
        String host = "a-".repeat(120) + ".b." + "c-".repeat(60) + ".rds.amazonaws.co";
        long start = System.nanoTime();
        assertEquals(Optional.empty(), EndpointRegionResolver.regionOf(host));
        // Not a benchmark: a guard against catastrophic backtracking, which would take seconds to hours.
        assertEquals(true, System.nanoTime() - start < 1_000_000_000L, "took " + (System.nanoTime() - start) + " ns");
    }
}
