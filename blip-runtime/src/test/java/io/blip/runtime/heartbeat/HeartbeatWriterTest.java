package io.blip.runtime.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.collect.ConnectionSource;
import io.blip.api.config.HeartbeatConfig;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.LogEvents;
import io.blip.testkit.VirtualTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The writer's loop in virtual time against the embedded MariaDB: Blip's row and heartbeats, one
 * event per problem a person must fix, a retry every 10 s, and writing again once it is fixed.
 * Read-only servers are in {@link HeartbeatReplicationTest}, on the replica.
 */
class HeartbeatWriterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String USER = "hb_writer";

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
    private final LogEvents log = new LogEvents(HeartbeatWriter.class);
    private final List<HeartbeatWriter> writers = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    @BeforeAll
    static void tables() {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.execute("DROP DATABASE IF EXISTS hbtest", "CREATE DATABASE hbtest",
                HeartbeatWriter.TABLE_DDL.formatted("hbtest.heartbeat"));
        db.createUser(USER, "pw", "SELECT, INSERT, UPDATE, DELETE ON hbtest.heartbeat");
        db.createUser("hb_reader", "pw", "SELECT ON hbtest.*");
        db.createUser("hb_all", "pw", "SELECT, INSERT, UPDATE, DELETE ON hbtest.*");
    }

    @AfterEach
    void close() {
        writers.forEach(HeartbeatWriter::close);
        log.close();
    }

    /** Writes as {@code user}, counting the connections taken (one per attempt). */
    private HeartbeatWriter start(String user, HeartbeatConfig config) {
        DataSource plain = EmbeddedMariaDb.shared().dataSource(user, "pw");
        HeartbeatWriter w = new HeartbeatWriter("hb1", config, counting(plain, connections), time);
        writers.add(w);
        w.start();
        return w;
    }

    private static String row(String table, String srcId) throws SQLException {
        try (Connection c = EmbeddedMariaDb.shared().admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT src_id, src_role, freq, ts FROM " + table + " WHERE src_id = '"
                     + srcId + "'")) {
            return rs.next() ? rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3) + " " + rs.getString(4) : "";
        }
    }

    @Test
    void writesBlipsRowThenMovesItsTimeOnEveryFreq() throws Exception {
        HeartbeatWriter w = start(USER, new HeartbeatConfig("1s", "node1", "west", "hbtest.heartbeat"));
        time.awaitWaiters(1, WAIT); // written, waiting for the next heartbeat
        String first = row("hbtest.heartbeat", "node1");
        assertTrue(first.startsWith("node1 west 1000 "), first);
        assertEquals("writing", w.status());

        EmbeddedMariaDb.shared().execute("UPDATE hbtest.heartbeat SET ts = '2001-01-01' WHERE src_id = 'node1'");
        time.advance(Duration.ofSeconds(1));
        time.awaitWaiters(1, WAIT);
        String second = row("hbtest.heartbeat", "node1");
        assertTrue(second.startsWith("node1 west 1000 20"), second);
        assertTrue(!second.contains("2001-01-01"), "the heartbeat moved ts on: " + second);
        assertEquals(2, connections.get());
        assertEquals(List.of("INFO monitor hb1: heartbeat: writing source id 'node1' to hbtest.heartbeat every 1000 ms"),
                log.all());
    }

    @Test
    void aRowDeletedIsWrittenAgainWithTheMonitorIdAsSource() throws Exception {
        start(USER, new HeartbeatConfig("2s", "", "", "hbtest.heartbeat"));
        time.awaitWaiters(1, WAIT);
        assertTrue(row("hbtest.heartbeat", "hb1").startsWith("hb1 null 2000 "));
        EmbeddedMariaDb.shared().execute("DELETE FROM hbtest.heartbeat WHERE src_id = 'hb1'");
        time.advance(Duration.ofSeconds(2));
        time.awaitWaiters(1, WAIT);
        assertTrue(row("hbtest.heartbeat", "hb1").startsWith("hb1 null 2000 "));
    }

    @Test
    void noTableIsOneWarningThenATryEvery10sUntilItIsThere() throws Exception {
        EmbeddedMariaDb.shared().execute("DROP TABLE IF EXISTS hbtest.later");
        HeartbeatWriter w = start("hb_all", new HeartbeatConfig("1s", "", "", "hbtest.later"));
        time.awaitWaiters(1, WAIT);
        String warning = "monitor hb1: heartbeat: cannot write heartbeats to hbtest.later: Table 'hbtest.later'"
                + " doesn't exist; create it on the source: CREATE DATABASE IF NOT EXISTS hbtest;"
                + " CREATE TABLE IF NOT EXISTS hbtest.later (src_id varchar(200) NOT NULL PRIMARY KEY, src_role"
                + " varchar(200) NULL DEFAULT NULL, ts timestamp(3) NOT NULL, freq smallint unsigned NOT NULL)"
                + " ENGINE=InnoDB; trying again every 10 s";
        assertEquals(List.of(warning), log.at("WARN"));
        assertEquals(warning.substring("monitor hb1: heartbeat: ".length()), w.status());

        time.advance(Duration.ofSeconds(9));
        assertEquals(1, connections.get(), "no try before 10 s");
        time.advance(Duration.ofSeconds(1));
        time.awaitWaiters(1, WAIT);
        time.advance(Duration.ofSeconds(10));
        time.awaitWaiters(1, WAIT);
        assertEquals(3, connections.get(), "a try every 10 s");
        assertEquals(List.of(warning), log.at("WARN"), "the same problem is not logged again");

        EmbeddedMariaDb.shared().execute(HeartbeatWriter.TABLE_DDL.formatted("hbtest.later"));
        time.advance(Duration.ofSeconds(10));
        time.awaitWaiters(1, WAIT);
        assertTrue(row("hbtest.later", "hb1").startsWith("hb1 null 1000 "));
        assertEquals("INFO monitor hb1: heartbeat: writing to hbtest.later again", log.all().getLast());
        assertEquals("writing", w.status());
    }

    @Test
    void noGrantIsOneWarningThatSaysWhatToGrant() throws Exception {
        HeartbeatWriter w = start("hb_reader", new HeartbeatConfig("1s", "", "", "hbtest.heartbeat"));
        time.awaitWaiters(1, WAIT);
        List<String> warnings = log.at("WARN");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().matches("monitor hb1: heartbeat: cannot write heartbeats to hbtest.heartbeat:"
                + " INSERT(, UPDATE)? command denied to user 'hb_reader'@'(localhost|127.0.0.1)' for table `hbtest`.`heartbeat`;"
                + " grant the monitor's MySQL user on the source: GRANT SELECT, INSERT, UPDATE, DELETE ON"
                + " hbtest.heartbeat TO 'hb_reader'@'%'; trying again every 10 s"), warnings.getFirst());

        time.advance(Duration.ofSeconds(10));
        time.awaitWaiters(1, WAIT);
        assertEquals(2, connections.get());
        assertEquals(1, log.at("WARN").size());
        EmbeddedMariaDb.shared().execute("GRANT SELECT, INSERT, UPDATE, DELETE ON hbtest.heartbeat TO 'hb_reader'@'%'");
        try {
            time.advance(Duration.ofSeconds(10));
            time.awaitWaiters(1, WAIT);
            assertEquals("writing", w.status());
        } finally {
            EmbeddedMariaDb.shared().execute("REVOKE INSERT, UPDATE, DELETE ON hbtest.heartbeat FROM 'hb_reader'@'%'");
        }
    }

    /** {@code db}, counting the connections it hands out: the writer takes one per attempt. */
    static ConnectionSource counting(DataSource db, AtomicInteger count) {
        return () -> {
            count.incrementAndGet();
            return db.getConnection();
        };
    }
}
