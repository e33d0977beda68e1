package io.blip.domains.stmtcurrent;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.config.Option;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.blip.domains.TestingCollectors.FAST;
import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.byName;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StmtCurrentTest {
    private final StmtCurrentFactory factory = new StmtCurrentFactory();
    private static final String ENABLE = "UPDATE performance_schema.setup_consumers SET ENABLED = 'YES'"
            + " WHERE NAME = 'events_statements_current'";
    private Sleeper sleeper;

    /**
     * MariaDB, unlike MySQL, starts with the events_statements_current consumer disabled (the domain
     * then reports table-not-exist, see below); the tests enable it on the shared server.
     */
    @BeforeAll
    static void enableTheConsumer() {
        db().execute(ENABLE);
    }

    @AfterEach
    void endTheSleep() throws Exception {
        if (sleeper != null) {
            sleeper.close();
        }
    }

    @Test
    void aSleepOnAnotherConnectionIsSlowAndTheSlowest() throws Exception {
        sleeper = Sleeper.start();
        double activePicos = sleeper.awaitActiveFor(Duration.ofMillis(300));
        try (Collector c = factory.make(admin())) {
            c.prepare(plan(domain("stmt.current", List.of("slow", "slowest"), Map.of("slow-threshold", "200ms"))));
            Map<String, MetricValue> values = byName(c.collect(FAST));
            assertEquals(MetricValue.gauge("slow", 1), values.get("slow"), "the SLEEP, not our own statement");
            MetricValue slowest = values.get("slowest");
            assertEquals(MetricType.GAUGE, slowest.type());
            double afterPicos = sleeper.activePicos();
            assertTrue(slowest.value() >= activePicos / 1e6 && slowest.value() <= afterPicos / 1e6,
                    "microseconds: " + slowest + " between " + activePicos + " and " + afterPicos + " ps");
        }
    }

    @Test
    void theDefaultThresholdIsOneSecondAndDefaultMetricsAreBoth() throws Exception {
        sleeper = Sleeper.start();
        sleeper.awaitActiveFor(Duration.ofMillis(50));
        Map<String, MetricValue> values = byName(collect(List.of(), Map.of()));
        assertEquals(List.of("slow", "slowest"), List.copyOf(values.keySet()));
        double slowest = values.get("slowest").value();
        assertEquals(slowest >= 1_000_000 ? 1 : 0, values.get("slow").value(), "slowest " + slowest + " us");
        assertEquals(List.of(MetricValue.gauge("slow", 0)),
                collect(List.of("slow"), Map.of("slow-threshold", "1h")), "not yet an hour");
    }

    @Test
    void withNothingRunningOnlyTheCollectorsOwnStatementIsActive() throws Exception {
        Map<String, MetricValue> values = byName(collect(List.of(), Map.of("slow-threshold", "100ms")));
        assertEquals(0, values.get("slow").value());
        assertTrue(values.get("slowest").value() < 100_000, values.toString());
    }

    @Test
    void aThresholdThatIsNotADurationOrBelowAMicrosecondFailsPrepare() throws Exception {
        var e = assertThrows(BlipException.class, () -> collect(List.of(), Map.of("slow-threshold", "fast")));
        assertEquals("stmt.current: level 'fast': option slow-threshold='fast' is not a duration;"
                + " write it like 500ms, 1s or 1.5s", e.getMessage());
        e = assertThrows(BlipException.class, () -> collect(List.of(), Map.of("slow-threshold", "500ns")));
        assertEquals("stmt.current: level 'fast': option slow-threshold='500ns' is less than 1us;"
                + " write a duration of at least 1us, e.g. 500ms or 1s", e.getMessage());
        assertEquals(List.of(MetricValue.gauge("slow", 1)), assertDoesNotThrowCollect("1us"),
                "1us is allowed: our own statement is that slow");
    }

    @Test
    void aDisabledConsumerMariaDbsDefaultIsTheTableNotExistError() throws Exception {
        db().execute("UPDATE performance_schema.setup_consumers SET ENABLED = 'NO'"
                + " WHERE NAME = 'events_statements_current'");
        try {
            var e = assertThrows(SQLException.class, () -> collect(List.of(), Map.of()));
            assertEquals(1146, e.getErrorCode());
            assertEquals("stmt.current: performance_schema.events_statements_current has no rows to read: the"
                    + " Performance Schema consumer events_statements_current is disabled; enable it with UPDATE"
                    + " performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = 'events_statements_current'"
                    + " (reported as error 1146, table-not-exist)", e.getMessage());
            assertTrue(factory.help().errors().get("table-not-exist").mysqlErrorCodes().contains(1146));
        } finally {
            db().execute(ENABLE);
        }
    }

    @Test
    void helpFollowsBlip() {
        Option threshold = factory.help().options().get("slow-threshold").orElseThrow();
        assertEquals("1.0s", threshold.defaultValue());
        assertEquals(Option.Type.DURATION, threshold.type());
        assertEquals("us", factory.help().metric("slowest").orElseThrow().unit());
        assertEquals(MetricType.GAUGE, factory.help().metric("slow").orElseThrow().type());
        assertTrue(factory.help().strictMetrics());
    }

    private List<MetricValue> assertDoesNotThrowCollect(String threshold) throws Exception {
        return collect(List.of("slow"), Map.of("slow-threshold", threshold));
    }

    private List<MetricValue> collect(List<String> metrics, Map<String, String> options) throws Exception {
        return collectOnce(factory, admin(), plan(domain("stmt.current", metrics, options)));
    }

    /** A {@code SELECT SLEEP(60)} on its own connection, killed by {@link #close}. */
    private record Sleeper(Connection connection, long threadId, long connectionId, CompletableFuture<Void> done)
            implements AutoCloseable {

        static Sleeper start() throws SQLException {
            Connection c = db().admin();
            long connectionId;
            long threadId;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT CONNECTION_ID(), (SELECT THREAD_ID FROM"
                         + " performance_schema.threads WHERE PROCESSLIST_ID = CONNECTION_ID())")) {
                rs.next();
                connectionId = rs.getLong(1);
                threadId = rs.getLong(2);
            }
            var done = new CompletableFuture<Void>();
            Thread.startVirtualThread(() -> {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT SLEEP(60)").close();
                } catch (SQLException e) {
                    // killed
                }
                done.complete(null);
            });
            return new Sleeper(c, threadId, connectionId, done);
        }

        /** How long, in picoseconds, the SLEEP has run, as the Performance Schema says; 0 before it starts. */
        double activePicos() throws SQLException {
            try (Connection c = db().admin(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT TIMER_WAIT FROM performance_schema.events_statements_current"
                         + " WHERE THREAD_ID = " + threadId + " AND END_EVENT_ID IS NULL"
                         + " AND SQL_TEXT LIKE 'SELECT SLEEP%'")) {
                return rs.next() ? rs.getDouble(1) : 0;
            }
        }

        /** Polls the server until the SLEEP has been active for at least {@code d}; returns its time then. */
        double awaitActiveFor(Duration d) throws Exception {
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline)) {
                double picos = activePicos();
                if (picos >= d.toNanos() * 1000.0) {
                    return picos;
                }
                Thread.sleep(20); // polling the server's state, not waiting for an outcome
            }
            throw new AssertionError("SELECT SLEEP(60) was not active for " + d + " within 30 s");
        }

        @Override
        public void close() throws Exception {
            db().execute("KILL QUERY " + connectionId);
            done.join();
            connection.close();
        }
    }
}
