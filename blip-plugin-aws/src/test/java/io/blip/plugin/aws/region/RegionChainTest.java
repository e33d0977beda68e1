package io.blip.plugin.aws.region;

import static io.blip.plugin.aws.TestMonitors.monitor;
import static io.blip.plugin.aws.TestMonitors.region;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.config.MonitorConfig;
import io.blip.api.region.RegionResolver;
import io.blip.plugin.aws.TestMonitors.Environment;
import io.blip.testkit.aws.FakeImds;
import io.blip.testkit.aws.FakeImds.Mode;
import java.lang.module.ModuleDescriptor;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The plugin's three resolvers in the order the runtime's region chain asks them. */
class RegionChainTest {
    private static final String RDS_HOST = "mydb.abcdefghijkl.eu-west-1.rds.amazonaws.com:3306";

    /** The system properties the runtime reads the monitors' {@code aws} sections with. */
    private final Environment properties = new Environment();

    /** What the runtime's RegionChain does: ascending order, the first region found wins. */
    private static Optional<String> chain(List<RegionResolver> resolvers, MonitorConfig monitor) throws Exception {
        List<RegionResolver> sorted = resolvers.stream().sorted(Comparator.comparingInt(RegionResolver::order)).toList();
        for (RegionResolver r : sorted) {
            Optional<String> found = r.region(monitor);
            if (found.isPresent()) {
                return Optional.of(r.name() + " " + found.get());
            }
        }
        return Optional.empty();
    }

    private static List<RegionResolver> resolvers() {
        return List.of(new EndpointRegionResolver(), new ImdsRegionResolver(), new ConfigRegionResolver());
    }

    @Test
    void namesAndOrder() {
        assertEquals(List.of("config 100", "imds 200", "endpoint 300"), resolvers().stream()
                .sorted(Comparator.comparingInt(RegionResolver::order)).map(r -> r.name() + " " + r.order()).toList());
    }

    @Test
    void configGivesAnExplicitRegionOnly() {
        ConfigRegionResolver config = new ConfigRegionResolver();
        assertEquals(Optional.of("us-west-2"), config.region(monitor(RDS_HOST, region("us-west-2"))));
        assertEquals(Optional.of("us-west-2"), config.region(monitor(RDS_HOST, region(" us-west-2 "))));
        assertEquals(Optional.empty(), config.region(monitor(RDS_HOST, region("auto"))));
        assertEquals(Optional.empty(), config.region(monitor(RDS_HOST, region("Auto"))));
        assertEquals(Optional.empty(), config.region(monitor(RDS_HOST, region(""))));
    }

    @Test
    void anExplicitRegionWinsOverImdsAndTheEndpoint() throws Exception {
        try (FakeImds imds = FakeImds.start("ap-south-1")) {
            properties.set("aws.ec2MetadataServiceEndpoint", imds.endpoint()).set("aws.disableEc2Metadata", null);
            List<RegionResolver> resolvers = resolvers();
            // Asked first, IMDS finds a region; an explicit region still wins afterwards (not so in Blip).
            assertEquals(Optional.of("imds ap-south-1"),
                    chain(resolvers, monitor(RDS_HOST, properties.region("auto"))));
            assertEquals(Optional.of("config us-west-2"),
                    chain(resolvers, monitor(RDS_HOST, properties.region("us-west-2"))));
        }
    }

    @Test
    void imdsWinsOverTheEndpointWhenAuto() throws Exception {
        try (FakeImds imds = FakeImds.start("ap-south-1")) {
            properties.set("aws.ec2MetadataServiceEndpoint", imds.endpoint()).set("aws.disableEc2Metadata", null);
            assertEquals(Optional.of("imds ap-south-1"), chain(resolvers(), monitor(RDS_HOST, properties.region(""))));
        }
    }

    @Test
    void theEndpointWhenImdsIsUnreachableOrNotAsked() throws Exception {
        try (FakeImds imds = FakeImds.start(Mode.STALL, "ap-south-1")) {
            properties.set("aws.ec2MetadataServiceEndpoint", imds.endpoint()).set("aws.disableEc2Metadata", null);
            assertEquals(Optional.of("endpoint eu-west-1"),
                    chain(resolvers(), monitor(RDS_HOST, properties.region("auto"))));
        }
        try (FakeImds imds = FakeImds.start("ap-south-1")) {
            properties.set("aws.ec2MetadataServiceEndpoint", imds.endpoint());
            var noAuto = properties.aws(Map.of("region", "auto", "disable-auto-region", "true"));
            assertEquals(Optional.of("endpoint eu-west-1"), chain(resolvers(), monitor(RDS_HOST, noAuto)));
            assertEquals(0, imds.requests());
        }
    }

    @Test
    void noneLeavesItToTheSdk() throws Exception {
        try (FakeImds imds = FakeImds.start(Mode.REFUSE, "ap-south-1")) {
            properties.set("aws.ec2MetadataServiceEndpoint", imds.endpoint()).set("aws.disableEc2Metadata", null);
            assertEquals(Optional.empty(),
                    chain(resolvers(), monitor("db.example.com:3306", properties.region("auto"))));
        }
    }

    @Test
    void theModuleProvidesTheResolvers() {
        ModuleDescriptor descriptor = RegionChainTest.class.getModule().getDescriptor();
        Assumptions.assumeTrue(descriptor != null, "tests run on the class path");
        Set<String> providers = descriptor.provides().stream()
                .filter(p -> p.service().equals(RegionResolver.class.getName()))
                .flatMap(p -> p.providers().stream()).collect(Collectors.toSet());
        assertEquals(Set.of(ConfigRegionResolver.class.getName(), ImdsRegionResolver.class.getName(),
                EndpointRegionResolver.class.getName()), providers);
    }
}
