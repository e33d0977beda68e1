package io.blip.domains;

import static io.blip.domains.TestingCollectors.FAST;
import static io.blip.domains.TestingCollectors.SLOW;
import static io.blip.domains.TestingCollectors.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevelCollector;
import io.blip.api.config.Option;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.kit.CollectorContract;
import io.blip.kit.DownMysql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The helpers of blip-api that the built-in domains are built on, {@link PerLevelCollector} and
 * {@link DomainFactory}, tested here against the embedded MariaDB (blip-api's own tests cannot use it),
 * through a small domain of the test's own as a third party would write one, and through the
 * built-in domains for what every one of them inherits.
 */
class PerLevelCollectorTest {
    static final CollectorHelp HELP = CollectorHelp.builder("test.echo", "Echoes a word's length, for tests")
            .option(Option.string("word", "The word to measure").withDefault("blip"))
            .build();

    /** Measures a level's word in MySQL, which gets it as a bound parameter. */
    static final class EchoCollector extends PerLevelCollector<String> {
        EchoCollector(CollectorContext context) {
            super(context, HELP);
        }

        @Override
        protected String prepareLevel(LevelDomain at) {
            String word = at.option("word");
            if (word.equals("bad")) {
                throw at.error("the word 'bad' is not allowed");
            }
            return word;
        }

        @Override
        protected List<MetricValue> collectLevel(String word) throws SQLException {
            var values = new ArrayList<MetricValue>();
            query("SELECT ?, CHAR_LENGTH(?)", List.of(word, word), row -> values.add(new MetricValue("length",
                    row.getDouble(2), MetricType.GAUGE, Map.of(), Map.of("word", row.getString(1)))));
            return values;
        }

        void queryWithoutParameters(String sql, RowReader reader) throws SQLException {
            query(sql, reader);
        }

        void queryWithParameters(String sql, List<String> parameters, RowReader reader) throws SQLException {
            query(sql, parameters, reader);
        }
    }

    static final class EchoFactory extends DomainFactory {
        EchoFactory() {
            super(HELP, EchoCollector::new);
        }
    }

    /** A plan whose levels (name, then the word, in pairs) collect the echo domain, 5 s apart. */
    private static Plan plan(String... levelAndWord) {
        var levels = new LinkedHashMap<String, Level>();
        for (int i = 0; i < levelAndWord.length; i += 2) {
            var domain = new Domain(HELP.domain(), List.of(), Map.of("word", levelAndWord[i + 1]), Map.of());
            levels.put(levelAndWord[i], new Level(levelAndWord[i], Duration.ofSeconds(5L * (i + 1)),
                    Map.of(HELP.domain(), domain)));
        }
        return new Plan("test-plan", "test", levels);
    }

    private static String wordOf(List<MetricValue> values) {
        assertEquals(1, values.size(), values.toString());
        return values.getFirst().meta().get("word");
    }

    @Test
    void eachLevelIsCollectedWithWhatPrepareBuiltForIt() throws Exception {
        try (var c = new EchoCollector(admin())) {
            // A quote in a parameter is data, not SQL.
            c.prepare(plan(FAST, "blip", SLOW, "it's"));
            List<MetricValue> fast = c.collect(FAST);
            assertEquals("blip", wordOf(fast));
            assertEquals(4, fast.getFirst().value());
            assertEquals("it's", wordOf(c.collect(SLOW)));
        }
    }

    @Test
    void collectingBeforePrepareIsAnError() {
        var c = new EchoCollector(admin());
        var e = assertThrows(IllegalStateException.class, () -> c.collect(FAST));
        assertEquals("test.echo: collect(fast) before prepare", e.getMessage());
    }

    @Test
    void collectingALevelThePreparedPlanDoesNotCollectTheDomainInIsAnErrorNamingTheLevelsFastestFirst()
            throws Exception {
        var c = new EchoCollector(admin());
        c.prepare(plan(FAST, "a", SLOW, "b"));
        var e = assertThrows(IllegalStateException.class, () -> c.collect("kpi"));
        assertEquals("test.echo: level 'kpi' does not collect this domain in the prepared plan; levels: [fast, slow]",
                e.getMessage());
    }

    @Test
    void aNewPlanReplacesTheOldOneWhole() throws Exception {
        var c = new EchoCollector(admin());
        c.prepare(plan(FAST, "old"));
        c.prepare(plan(SLOW, "new"));
        assertEquals("new", wordOf(c.collect(SLOW)));
        var e = assertThrows(IllegalStateException.class, () -> c.collect(FAST));
        assertEquals("test.echo: level 'fast' does not collect this domain in the prepared plan; levels: [slow]",
                e.getMessage());
    }

    @Test
    void aMistakeInALevelFailsPrepareWithoutAQueryAndKeepsThePlanPreparedBefore() throws Exception {
        var down = new DownMysql();
        var c = new EchoCollector(TestingCollectors.context(down));
        c.prepare(plan(FAST, "good"));
        var e = assertThrows(BlipException.class, () -> c.prepare(plan(FAST, "fine", SLOW, "bad")));
        assertEquals("test.echo: level 'slow': the word 'bad' is not allowed", e.getMessage());
        assertEquals(0, down.attempts());
        // Still the plan prepared before: its level is there, the failed plan's slow level is not.
        assertThrows(SQLException.class, () -> c.collect(FAST));
        var notPrepared = assertThrows(IllegalStateException.class, () -> c.collect(SLOW));
        assertTrue(notPrepared.getMessage().endsWith("levels: [fast]"), notPrepared.getMessage());
    }

    @Test
    void aQueryHandsEveryRowToTheReaderAndBindsParametersAsStrings() throws Exception {
        var c = new EchoCollector(admin());
        var rows = new ArrayList<String>();
        c.queryWithoutParameters("SELECT 'a' UNION ALL SELECT 'b' UNION ALL SELECT 'c'",
                row -> rows.add(row.getString(1)));
        assertEquals(List.of("a", "b", "c"), rows);
        rows.clear();
        c.queryWithParameters("SELECT CONCAT(?, '-', ?)", List.of("1", "x'y"), row -> rows.add(row.getString(1)));
        assertEquals(List.of("1-x'y"), rows);
        rows.clear();
        c.queryWithParameters("SELECT 1 FROM DUAL WHERE 1 = 0", List.of(), row -> rows.add(row.getString(1)));
        assertEquals(List.of(), rows);
    }

    @Test
    void aQueryClosesItsResultStatementAndConnectionWhenTheReaderThrows() throws Exception {
        var c = new EchoCollector(admin());
        for (boolean withParameters : new boolean[] {false, true}) {
            var rows = new ArrayList<ResultSet>();
            var statements = new ArrayList<Statement>();
            var connections = new ArrayList<Connection>();
            PerLevelCollector.RowReader failing = row -> {
                rows.add(row);
                statements.add(row.getStatement());
                connections.add(row.getStatement().getConnection());
                throw new SQLException("reader failed");
            };
            var e = assertThrows(SQLException.class, () -> {
                if (withParameters) {
                    c.queryWithParameters("SELECT ?", List.of("x"), failing);
                } else {
                    c.queryWithoutParameters("SELECT 1", failing);
                }
            });
            assertEquals("reader failed", e.getMessage());
            String with = "with parameters: " + withParameters;
            assertTrue(rows.getFirst().isClosed(), with);
            assertTrue(statements.getFirst().isClosed(), with);
            assertTrue(connections.getFirst().isClosed(), with);
        }
    }

    @Test
    void aDomainFactoryIsItsHelpAndItsCollectorsConstructorAndMakingDoesNoIo() {
        CollectorFactory factory = new EchoFactory();
        assertEquals("test.echo", factory.domain());
        assertSame(HELP, factory.help());
        var down = new DownMysql();
        Collector first = factory.make(TestingCollectors.context(down));
        Collector second = factory.make(TestingCollectors.context(down));
        assertTrue(first instanceof EchoCollector, first.getClass().getName());
        assertNotSame(first, second);
        assertEquals(0, down.attempts());
    }

    /** What every built-in domain inherits from the base: the contract checks "before prepare"; this, the rest. */
    @Test
    void everyBuiltInDomainRejectsALevelThePreparedPlanDoesNotCollectItIn() throws Exception {
        PerLevelCollectorTest.class.getModule().addUses(CollectorFactory.class);
        var factories = ServiceLoader.load(CollectorFactory.class).stream().map(ServiceLoader.Provider::get).toList();
        assertEquals(21, factories.size());
        for (CollectorFactory factory : factories) {
            try (Collector c = factory.make(admin())) {
                c.prepare(TestingCollectors.plan(CollectorContract.smallest(factory.help())));
                var e = assertThrows(IllegalStateException.class, () -> c.collect(SLOW), factory.domain());
                assertEquals(factory.domain() + ": level 'slow' does not collect this domain in the prepared plan;"
                        + " levels: [fast]", e.getMessage());
            }
        }
    }
}
