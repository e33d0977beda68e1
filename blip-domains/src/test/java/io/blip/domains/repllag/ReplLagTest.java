package io.blip.domains.repllag;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.ConnectionSource;
import io.blip.api.collect.MetricHelp;
import io.blip.api.config.OptionSet;
import io.blip.domains.SessionSqlDataSource;
import io.blip.testkit.VirtualTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** repl.lag on MariaDB: no Performance Schema lag tables, so the heartbeat path; PfsLag has its own test. */
class ReplLagTest {
    private static final String TABLE = "CREATE TABLE %s (src_id varchar(200) NOT NULL PRIMARY KEY,"
            + " src_role varchar(200) NULL DEFAULT NULL, ts timestamp(3) NOT NULL, freq smallint unsigned NOT NULL)";

    private final ReplLagFactory factory = new ReplLagFactory();

    @BeforeAll
    static void createHeartbeats() {
        db().execute("DROP DATABASE IF EXISTS lagtest", "CREATE DATABASE lagtest",
                TABLE.formatted("lagtest.late"),
                "INSERT INTO lagtest.late VALUES ('src1', NULL, NOW(3) - INTERVAL 10 SECOND, 1000)",
                TABLE.formatted("lagtest.topology"),
                // 'test' is this monitor's own id: following "the latest" skips it.
                "INSERT INTO lagtest.topology VALUES ('test', 'west', NOW(3), 1000),"
                        + " ('east1', 'east', NOW(3) - INTERVAL 20 SECOND, 1000),"
                        + " ('west1', 'west', NOW(3) - INTERVAL 5 SECOND, 1000),"
                        + " ('west2', 'west', NOW(3) - INTERVAL 8 SECOND, 1000)",
                TABLE.formatted("lagtest.reader"),
                "CREATE TABLE lagtest.reads (n INT AUTO_INCREMENT PRIMARY KEY)");
    }

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** How many connections the counting data source has handed out: one per read. */
    private static int reads() throws SQLException {
        try (Connection c = admin().db().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM lagtest.reads")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void theLagOfALateHeartbeatIsHowLateItIs() throws Exception {
        List<MetricValue> values = collect(Map.of("writer", "blip", "table", "lagtest.late"));
        assertEquals(1, values.size());
        MetricValue current = values.getFirst();
        assertEquals("current", current.name());
        assertEquals(MetricType.GAUGE, current.type());
        assertEquals(Map.of(), current.group());
        assertEquals(Map.of("source", "src1"), current.meta());
        // Written 10 s ago every 1 s: the next one is 9 s late.
        assertTrue(current.value() >= 9000 && current.value() < 30_000, current.toString());
    }

    @Test
    void autoFallsBackToHeartbeatsOnMariaDb() throws Exception {
        assertEquals("src1", collect(Map.of("table", "lagtest.late")).getFirst().meta().get("source"));
    }

    @Test
    void aMissingHeartbeatTableMeansNoHeartbeatNotAFailure() throws Exception {
        assertEquals(List.of(), collect(Map.of("table", "lagtest.missing")));
        var reported = collect(Map.of("table", "lagtest.missing", "report-no-heartbeat", "yes"));
        assertEquals(1, reported.size());
        assertEquals(-1, reported.getFirst().value());
    }

    @Test
    void heartbeatsAreFollowedBySourceIdThenRoleThenLatestOfTheOthers() throws Exception {
        assertEquals("west1", sourceFollowed(Map.of()));
        assertEquals("east1", sourceFollowed(Map.of("source-role", "east")));
        assertEquals("west1", sourceFollowed(Map.of("source-role", "west")));
        assertEquals("west2", sourceFollowed(Map.of("source-id", "west2")));
        assertEquals("west2", sourceFollowed(Map.of("source-id", "west2", "source-role", "east")));
    }

    @Test
    void noHeartbeatIsDroppedUnlessAskedToReport() throws Exception {
        var options = new HashMap<>(Map.of("writer", "blip", "table", "lagtest.topology", "source-id", "nobody"));
        assertEquals(List.of(), collect(options));
        options.put("report-no-heartbeat", "yes");
        assertEquals(List.of(new MetricValue("current", -1, MetricType.GAUGE, Map.of(), Map.of("source", ""))),
                collect(options));
    }

    @Test
    void replCheckZeroMeansNotAReplica() throws Exception {
        // read_only is 0 on this server; server_id is 1.
        var options = new HashMap<>(Map.of("table", "lagtest.late", "repl-check", "read_only"));
        assertEquals(List.of(), collect(options));
        options.put("report-not-a-replica", "yes");
        assertEquals(List.of(new MetricValue("current", -1, MetricType.GAUGE, Map.of(), Map.of("source", ""))),
                collect(options));
        options.put("repl-check", "server_id");
        assertEquals("src1", collect(options).getFirst().meta().get("source"));
    }

    @Test
    void theReaderReportsTheWorstLagSinceTheLastReport() throws Exception {
        var follow = new HeartbeatReader.Follow("`lagtest`.`reader`", "s", "", "test");
        try (var reader = new HeartbeatReader(admin().db(), "test", follow, ReplCheck.NONE, Duration.ofMillis(50),
                new VirtualTime(START))) {
            reader.readOnce();
            assertEquals(HeartbeatReader.Lag.NO_HEARTBEAT, reader.report());

            db().execute("INSERT INTO lagtest.reader VALUES ('s', NULL, NOW(3) - INTERVAL 5 SECOND, 1000)");
            assertEquals(Duration.ofMillis(50), reader.readOnce(), "late: read again soon");
            db().execute("UPDATE lagtest.reader SET ts = NOW(3), freq = 60000");
            Duration untilNext = reader.readOnce();
            assertTrue(untilNext.compareTo(Duration.ofSeconds(55)) > 0, "on time: sleep until the next one");

            long worst = reader.report().millis();
            assertTrue(worst >= 4000 && worst < 20_000, "worst since last report: " + worst);
            long latest = reader.report().millis();
            assertTrue(latest < 1000, "nothing read since: the latest, " + latest);
        }
    }

    /**
     * While it times a heartbeat the reader takes a connection at once (the pool may open a spare);
     * with nothing to time it waits for the monitor's one connection.
     */
    @Test
    void theReaderWaitsForTheMonitorsConnectionUnlessItTimesAHeartbeat() throws Exception {
        List<String> asked = new ArrayList<>();
        ConnectionSource db = new ConnectionSource() {
            @Override
            public Connection getConnection() throws SQLException {
                asked.add("at once");
                return admin().db().getConnection();
            }

            @Override
            public Connection awaitConnection() throws SQLException {
                asked.add("await");
                return admin().db().getConnection();
            }
        };
        var follow = new HeartbeatReader.Follow("`lagtest`.`reader`", "timed", "", "test");
        try (var reader = new HeartbeatReader(db, "test", follow, ReplCheck.NONE, Duration.ofMillis(50),
                new VirtualTime(START))) {
            reader.readOnce();
            assertEquals(List.of("await"), asked, "no heartbeat yet: nothing to time");
            db().execute("INSERT INTO lagtest.reader VALUES ('timed', NULL, NOW(3), 60000)");
            reader.readOnce();
            reader.readOnce();
            assertEquals(List.of("await", "await", "at once"), asked, "following one: at once");
            db().execute("DELETE FROM lagtest.reader WHERE src_id = 'timed'");
            reader.readOnce();
            reader.readOnce();
            assertEquals(List.of("await", "await", "at once", "at once", "await"), asked, "gone again");
        }
    }

    @Test
    void theReaderSleepsBetweenReadsOnItsTime() throws Exception {
        db().execute("INSERT INTO lagtest.reader VALUES ('late', NULL, NOW(3) - INTERVAL 1 HOUR, 1000)");
        var counting = new SessionSqlDataSource(admin().db(), "INSERT INTO lagtest.reads VALUES (NULL)");
        var time = new VirtualTime(START);
        var follow = new HeartbeatReader.Follow("`lagtest`.`reader`", "late", "", "test");
        try (var reader = new HeartbeatReader(counting, "test", follow, ReplCheck.NONE, Duration.ofMillis(50), time)) {
            int before = reads();
            reader.start();
            assertEquals(before + 1, reads(), "one read before start returns");
            // An hour late, every read: again after 50 ms four times, 100 ms four times, then 500 ms.
            int[] waits = {50, 50, 50, 50, 100, 100, 100, 100, 500, 500};
            for (int i = 0; i < waits.length; i++) {
                time.awaitWaiters(1, WAIT);
                time.advance(Duration.ofMillis(waits[i] - 1));
                time.awaitWaiters(1, WAIT);
                assertEquals(before + 1 + i, reads(), "no read 1 ms before the " + waits[i] + " ms wait ends");
                time.advance(Duration.ofMillis(1));
                time.awaitWaiters(1, WAIT);
                assertEquals(before + 2 + i, reads(), "a read when the " + waits[i] + " ms wait ends");
            }
            assertTrue(reader.report().millis() >= 3_599_000, "an hour late, less the second it was due after");
        }
    }

    @Test
    void lateHeartbeatsAreReadAgainSoonerThenLess() {
        var onTime = HeartbeatReader.evaluate(300, 1000, 50, 3);
        assertEquals(new HeartbeatReader.Reading(250, Duration.ofMillis(750), 0), onTime);
        assertEquals(new HeartbeatReader.Reading(0, Duration.ofMillis(1010), 0),
                HeartbeatReader.evaluate(40, 1000, 50, 0));
        assertEquals(new HeartbeatReader.Reading(500, Duration.ofMillis(50), 1),
                HeartbeatReader.evaluate(1500, 1000, 50, 0));
        assertEquals(Duration.ofMillis(100), HeartbeatReader.evaluate(1500, 1000, 50, 4).sleep());
        assertEquals(Duration.ofMillis(500), HeartbeatReader.evaluate(1500, 1000, 50, 8).sleep());
    }

    @Test
    void failedReadsAreRetriedLessOftenTheLongerTheyFail() {
        assertEquals(Duration.ofSeconds(2), HeartbeatReader.errorWait(1));
        assertEquals(Duration.ofSeconds(4), HeartbeatReader.errorWait(2));
        assertEquals(Duration.ofSeconds(16), HeartbeatReader.errorWait(4));
        assertEquals(HeartbeatReader.MAX_ERROR_WAIT, HeartbeatReader.errorWait(5));
        assertEquals(HeartbeatReader.MAX_ERROR_WAIT, HeartbeatReader.errorWait(1000));
    }

    @Test
    void pfsOnMariaDbIsRefusedWithTheReason() {
        var e = assertThrows(BlipException.class, () -> collect(Map.of("writer", "pfs")));
        assertEquals("repl.lag: level 'fast': writer=pfs: cannot read the Performance Schema replication tables"
                + " (MySQL 8.0+ with performance_schema=ON): Table"
                + " 'performance_schema.replication_connection_status' doesn't exist", e.getMessage());
    }

    @Test
    void levelsMustAgreeOnTheWriter() {
        var e = assertThrows(BlipException.class, () -> factory.make(admin()).prepare(plan(
                domain("repl.lag", List.of(), Map.of("writer", "blip")),
                domain("repl.lag", List.of(), Map.of("writer", "pfs")))));
        assertEquals("repl.lag: level 'slow': option writer='pfs' differs from writer='blip' at level 'fast';"
                + " lag is read one way per plan", e.getMessage());
    }

    @Test
    void onlyPlainNamesGoIntoSql() {
        var check = assertThrows(BlipException.class,
                () -> collect(Map.of("repl-check", "server_id; DROP DATABASE x")));
        assertEquals("repl.lag: level 'fast': option repl-check='server_id; DROP DATABASE x' is not a system"
                + " variable name (letters, digits, _)", check.getMessage());
        var table = assertThrows(BlipException.class, () -> collect(Map.of("table", "blip.heartbeat`; DROP")));
        assertEquals("repl.lag: level 'fast': option table='blip.heartbeat`; DROP' is not a table name like"
                + " blip.heartbeat", table.getMessage());
    }

    @Test
    void networkLatencyIsADurationOrMilliseconds() throws Exception {
        assertEquals(1, collect(Map.of("table", "lagtest.late", "network-latency", "250ms")).size());
        assertEquals(1, collect(Map.of("table", "lagtest.late", "network-latency", "250")).size());
        var e = assertThrows(BlipException.class, () -> collect(Map.of("network-latency", "soon")));
        assertEquals("repl.lag: level 'fast': option network-latency='soon' is not a duration such as 50ms",
                e.getMessage());
    }

    @Test
    void helpFollowsTheDocs() {
        var help = factory.help();
        OptionSet options = help.options();
        assertEquals("auto", options.get("writer").orElseThrow().defaultValue());
        assertEquals(Set.of("auto", "blip", "pfs"), options.get("writer").orElseThrow().values().keySet());
        assertEquals("blip.heartbeat", options.get("table").orElseThrow().defaultValue());
        assertEquals("50ms", options.get("network-latency").orElseThrow().defaultValue());
        assertEquals("no", options.get("report-no-heartbeat").orElseThrow().defaultValue());
        assertEquals("no", options.get("report-not-a-replica").orElseThrow().defaultValue());
        assertEquals(Set.of("writer", "repl-check", "default-channel-name", "table", "source-id", "source-role",
                "network-latency", "report-no-heartbeat", "report-not-a-replica"), Set.copyOf(options.keys()));
        assertEquals(List.of("current", "backlog", "worker_usage"),
                help.metrics().stream().map(MetricHelp::name).toList());
        assertEquals("ms", help.metric("current").orElseThrow().unit());
        assertEquals(List.of("channel_name"), help.groups());
    }

    private String sourceFollowed(Map<String, String> follow) throws Exception {
        var options = new HashMap<>(follow);
        options.put("table", "lagtest.topology");
        return collect(options).getFirst().meta().get("source");
    }

    private List<MetricValue> collect(Map<String, String> options) throws Exception {
        return collectOnce(factory, admin(), plan(domain("repl.lag", List.of(), options)));
    }
}
