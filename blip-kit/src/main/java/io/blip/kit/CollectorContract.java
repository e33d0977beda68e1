package io.blip.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.blip.api.BlipException;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.ErrorHelp;
import io.blip.api.collect.MetricHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Option;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What every collector factory promises, checked for each of {@link #factories()}: a help that
 * describes the domain (options with help and allowed defaults, errors with MySQL codes, metrics with
 * known units); {@code make} does no I/O; a plan's mistakes fail {@code prepare} with a message that
 * names the domain, the level, the option and the value, before any query; collecting before
 * {@code prepare} is an error; a MySQL that is down surfaces as the driver's exception.
 *
 * <pre>{@code
 * class MyDomainContractTest extends CollectorContract {
 *     protected List<CollectorFactory> factories() { return List.of(new MyDomainFactory()); }
 * }
 * }</pre>
 */
public abstract class CollectorContract {
    /** The level the contract's plans collect the domain in. */
    public static final String LEVEL = "fast";
    /**
     * UCUM units as OpenTelemetry writes them: bytes, time (to the Performance Schema's picoseconds),
     * ratios, percent, and each per second.
     */
    private static final Pattern UNIT = Pattern.compile("(|1|%|By|bit|s|ms|us|ns|ps)(/s)?");

    /** The factories under test. */
    protected abstract List<CollectorFactory> factories();

    /** Whether the domain reads MySQL (false for a domain that reads another service, e.g. CloudWatch). */
    protected boolean readsMysql() {
        return true;
    }

    /** Whether metric names are lowercase, as Blip's MySQL domains name them (CloudWatch's are not). */
    protected boolean lowercaseMetrics() {
        return true;
    }

    /** The context a collector is made with; override to give a region chain or plugin services. */
    protected CollectorContext context(DataSource db) {
        return CollectorContext.of(MonitorConfig.of("contract"), db, Time.system());
    }

    /** A plan whose one level, {@value #LEVEL} (5 s), collects {@code domain}. */
    public static Plan plan(Domain domain) {
        return new Plan("contract", "contract", Map.of(LEVEL, new Level(LEVEL, Duration.ofSeconds(5),
                Map.of(domain.name(), domain))));
    }

    /** The least a level can ask of the domain: its defaults, or everything when it has an "all" option. */
    public static Domain smallest(CollectorHelp help) {
        Map<String, String> options = help.options().get("all").isPresent() ? Map.of("all", "yes") : Map.of();
        return new Domain(help.domain(), List.of(), options, Map.of());
    }

    @Test
    void helpDescribesTheDomain() {
        for (CollectorFactory factory : factories()) {
            CollectorHelp help = factory.help();
            assertFalse(factory.domain().isBlank());
            assertEquals(factory.domain(), help.domain());
            assertFalse(help.description().isBlank(), factory.domain() + ": description");
        }
    }

    @Test
    void optionsHaveHelpAndAllowedDefaults() {
        for (CollectorFactory factory : factories()) {
            for (Option option : factory.help().options().options()) {
                assertFalse(option.help().isBlank(), factory.domain() + ": option " + option.name());
                if (!option.values().isEmpty()) {
                    assertTrue(option.values().containsKey(option.defaultValue()), factory.domain() + ": "
                            + option.name() + " default '" + option.defaultValue() + "' not in "
                            + option.values().keySet());
                }
            }
        }
    }

    @Test
    void errorsHaveMysqlCodes() {
        for (CollectorFactory factory : factories()) {
            for (ErrorHelp error : factory.help().errors().values()) {
                assertFalse(error.name().isBlank());
                assertFalse(error.mysqlErrorCodes().isEmpty(), factory.domain() + ": error " + error.name());
            }
        }
    }

    @Test
    void metricsHaveKnownUnits() {
        for (CollectorFactory factory : factories()) {
            for (MetricHelp metric : factory.help().metrics()) {
                if (lowercaseMetrics()) {
                    assertEquals(metric.name().toLowerCase(Locale.ROOT), metric.name(), factory.domain());
                }
                assertTrue(metric.name().matches("^[a-zA-Z0-9_-]+$"), factory.domain() + ": " + metric.name());
                assertTrue(UNIT.matcher(metric.unit()).matches(), factory.domain() + ": " + metric.name() + " unit "
                        + metric.unit());
            }
        }
    }

    @Test
    void makeDoesNoIoAndAMysqlThatIsDownSurfacesAsTheDriversException() throws Exception {
        for (CollectorFactory factory : factories()) {
            var down = new DownMysql();
            Collector collector = factory.make(context(down));
            assertEquals(0, down.attempts(), factory.domain() + ": make() asked for a connection");
            if (!readsMysql()) {
                collector.close();
                continue;
            }
            try (collector) {
                collector.prepare(plan(smallest(factory.help())));
                collector.collect(LEVEL);
                fail(factory.domain() + ": collect against a MySQL that is down returned");
            } catch (Exception e) {
                assertTrue(causedByTheDownMysql(e), () -> factory.domain() + ": not the DataSource's SQLException: " + e);
            }
            assertTrue(down.attempts() > 0, factory.domain());
        }
    }

    @Test
    void aValueAnOptionDoesNotAllowFailsPrepareNamingDomainLevelOptionAndValue() {
        for (CollectorFactory factory : factories()) {
            var help = factory.help();
            for (Option option : help.options().options()) {
                if (option.values().isEmpty()) {
                    continue;
                }
                Domain bad = new Domain(help.domain(), List.of(), Map.of(option.name(), "bogus"), Map.of());
                var e = assertThrows(BlipException.class, () -> factory.make(context(new DownMysql()))
                        .prepare(plan(bad)));
                assertEquals(help.domain() + ": level '" + LEVEL + "': option " + option.name()
                        + "='bogus' is not one of " + option.values().keySet(), e.getMessage());
            }
        }
    }

    @Test
    void anUnknownOptionFailsPrepare() {
        for (CollectorFactory factory : factories()) {
            var help = factory.help();
            Domain bad = new Domain(help.domain(), List.of(), Map.of("no-such-option", "x"), Map.of());
            var e = assertThrows(BlipException.class, () -> factory.make(context(new DownMysql())).prepare(plan(bad)));
            assertEquals(help.domain() + ": level '" + LEVEL + "': unknown option 'no-such-option'; options: "
                    + help.options().keys(), e.getMessage());
        }
    }

    @Test
    void anUndeclaredMetricOfAStrictDomainFailsPrepare() {
        for (CollectorFactory factory : factories()) {
            var help = factory.help();
            if (!help.strictMetrics()) {
                continue;
            }
            Domain bad = new Domain(help.domain(), List.of("no_such_metric"), Map.of(), Map.of());
            var e = assertThrows(BlipException.class, () -> factory.make(context(new DownMysql())).prepare(plan(bad)));
            assertEquals(help.domain() + ": level '" + LEVEL + "': unknown metric 'no_such_metric'; metrics: "
                    + help.metrics().stream().map(MetricHelp::name).toList(), e.getMessage());
        }
    }

    @Test
    void collectingALevelThatWasNotPreparedIsAnError() throws Exception {
        for (CollectorFactory factory : factories()) {
            try (Collector collector = factory.make(context(new DownMysql()))) {
                var e = assertThrows(IllegalStateException.class, () -> collector.collect(LEVEL));
                assertEquals(factory.domain() + ": collect(" + LEVEL + ") before prepare", e.getMessage());
            }
        }
    }

    private static boolean causedByTheDownMysql(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getMessage().contains(DownMysql.MESSAGE)) {
                return true;
            }
        }
        return false;
    }
}
