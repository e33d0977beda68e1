package io.blip.domains;

import io.blip.api.BlipException;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.ErrorHelp;
import io.blip.api.collect.MetricHelp;
import io.blip.api.config.Option;
import io.blip.api.plan.Domain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

import static io.blip.domains.TestingCollectors.FAST;
import static io.blip.domains.TestingCollectors.context;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What every collector factory promises, checked for each one the module provides. */
class CollectorFactoryContractTest {
    private static final Set<String> UNITS = Set.of("", "By", "us", "ms", "s", "1");

    static List<CollectorFactory> factories() {
        // The tests run inside io.blip.domains, which provides the factories but, unlike the runtime, does not use them.
        CollectorFactoryContractTest.class.getModule().addUses(CollectorFactory.class);
        return ServiceLoader.load(CollectorFactory.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    @Test
    void theModuleProvidesEveryBuiltInDomain() {
        assertEquals(Set.of("status.global", "var.global", "innodb", "repl", "repl.lag", "size.database",
                        "size.table", "size.binlog", "trx"),
                factories().stream().map(CollectorFactory::domain).collect(Collectors.toSet()));
    }

    @ParameterizedTest
    @MethodSource("factories")
    void helpDescribesTheDomain(CollectorFactory factory) {
        CollectorHelp help = factory.help();
        assertFalse(factory.domain().isBlank());
        assertEquals(factory.domain(), help.domain());
        assertFalse(help.description().isBlank(), "description");
    }

    @ParameterizedTest
    @MethodSource("factories")
    void optionsHaveDescriptionsAndAllowedDefaults(CollectorFactory factory) {
        for (Option option : factory.help().options().options()) {
            assertFalse(option.help().isBlank(), option.name());
            if (!option.values().isEmpty()) {
                assertTrue(option.values().containsKey(option.defaultValue()),
                        option.name() + " default '" + option.defaultValue() + "' not in " + option.values().keySet());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void errorsHaveMysqlCodes(CollectorFactory factory) {
        for (ErrorHelp error : factory.help().errors().values()) {
            assertFalse(error.name().isBlank());
            assertFalse(error.mysqlErrorCodes().isEmpty(), error.name());
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void metricsAreLowercaseWithKnownUnits(CollectorFactory factory) {
        for (MetricHelp metric : factory.help().metrics()) {
            assertEquals(metric.name().toLowerCase(java.util.Locale.ROOT), metric.name());
            assertTrue(UNITS.contains(metric.unit()), metric.name() + " unit " + metric.unit());
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void makeDoesNoIoAndAMySqlThatIsDownSurfacesAsTheSqlException(CollectorFactory factory) {
        var down = new FailingDataSource();
        Collector collector = factory.make(context(down));
        assertEquals(0, down.attempts(), "make() asked for a connection");
        try (collector) {
            collector.prepare(plan(smallest(factory.help())));
            collector.collect(FAST);
            fail("collect against a MySQL that is down returned");
        } catch (Exception e) {
            assertTrue(causedByTheDownMySql(e), () -> "not the DataSource's SQLException: " + e);
        }
        assertTrue(down.attempts() > 0);
    }

    @ParameterizedTest
    @MethodSource("factories")
    void aValueAnOptionDoesNotAllowFailsPrepareNamingDomainLevelOptionAndValue(CollectorFactory factory) {
        var help = factory.help();
        for (Option option : help.options().options()) {
            if (option.values().isEmpty()) {
                continue;
            }
            Domain bad = domain(help.domain(), List.of(), Map.of(option.name(), "bogus"));
            var e = assertThrows(BlipException.class, () -> factory.make(context(new FailingDataSource()))
                    .prepare(plan(bad)));
            assertEquals(help.domain() + ": level 'fast': option " + option.name() + "='bogus' is not one of "
                    + option.values().keySet(), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void anUnknownOptionFailsPrepare(CollectorFactory factory) {
        var help = factory.help();
        Domain bad = domain(help.domain(), List.of(), Map.of("no-such-option", "x"));
        var e = assertThrows(BlipException.class, () -> factory.make(context(new FailingDataSource()))
                .prepare(plan(bad)));
        assertEquals(help.domain() + ": level 'fast': unknown option 'no-such-option'; options: "
                + help.options().keys(), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("factories")
    void anUndeclaredMetricOfAStrictDomainFailsPrepare(CollectorFactory factory) {
        var help = factory.help();
        if (!help.strictMetrics()) {
            return;
        }
        Domain bad = domain(help.domain(), List.of("no_such_metric"), Map.of());
        var e = assertThrows(BlipException.class, () -> factory.make(context(new FailingDataSource()))
                .prepare(plan(bad)));
        assertEquals(help.domain() + ": level 'fast': unknown metric 'no_such_metric'; metrics: "
                + help.metrics().stream().map(MetricHelp::name).toList(), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("factories")
    void collectingALevelThatWasNotPreparedIsAnError(CollectorFactory factory) throws Exception {
        try (Collector collector = factory.make(context(new FailingDataSource()))) {
            var e = assertThrows(IllegalStateException.class, () -> collector.collect(FAST));
            assertEquals(factory.domain() + ": collect(fast) before prepare", e.getMessage());
        }
    }

    /** The least a level can ask of the domain: its defaults, or everything when it has an "all" option. */
    static Domain smallest(CollectorHelp help) {
        Map<String, String> options = help.options().get("all").isPresent() ? Map.of("all", "yes") : Map.of();
        return domain(help.domain(), List.of(), options);
    }

    private static boolean causedByTheDownMySql(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getMessage().contains(FailingDataSource.MESSAGE)) {
                return true;
            }
        }
        return false;
    }
}
