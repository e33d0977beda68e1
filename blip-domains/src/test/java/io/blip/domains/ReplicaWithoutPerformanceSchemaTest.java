package io.blip.domains;

import io.blip.api.MetricValue;
import io.blip.api.plan.Domain;
import io.blip.domains.stmtcurrent.StmtCurrentFactory;
import io.blip.domains.waitiotable.WaitIoTableFactory;
import io.blip.testkit.EmbeddedMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.byName;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.context;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica of the shared server, started with {@code performance_schema=OFF}: there, the domains
 * that read the Performance Schema report {@code table-not-exist}; on the source, the binary log dump
 * thread that serves the replica runs one statement for as long as it is connected, and
 * {@code stmt.current} does not count it.
 */
class ReplicaWithoutPerformanceSchemaTest {
    private static EmbeddedMariaDb replica;

    @BeforeAll
    static void startReplica() {
        // Before the replica connects: the consumer records the statements that start after it is on.
        db().execute("UPDATE performance_schema.setup_consumers SET ENABLED = 'YES'"
                + " WHERE NAME = 'events_statements_current'");
        replica = EmbeddedMariaDb.replicaOf(db(), "--performance-schema=OFF");
    }

    @AfterAll
    static void stopReplica() {
        if (replica != null) {
            replica.close();
        }
    }

    @Test
    void withThePerformanceSchemaOffBothDomainsReportTableNotExist() {
        var onReplica = context(replica.dataSource(EmbeddedMariaDb.ADMIN_USER, EmbeddedMariaDb.ADMIN_PASSWORD));
        String off = " has no rows to read: performance_schema is OFF; set performance_schema=ON in the MySQL config"
                + " and restart MySQL (reported as error 1146, table-not-exist)";
        var stmt = assertThrows(SQLException.class, () -> collectOnce(new StmtCurrentFactory(), onReplica,
                plan(domain("stmt.current", List.of(), Map.of()))));
        assertEquals(1146, stmt.getErrorCode());
        assertEquals("stmt.current: performance_schema.events_statements_current" + off, stmt.getMessage());
        var wait = assertThrows(SQLException.class, () -> collectOnce(new WaitIoTableFactory(), onReplica,
                plan(new Domain("wait.io.table", List.of("count_star"), Map.of(), Map.of()))));
        assertEquals(1146, wait.getErrorCode());
        assertEquals("wait.io.table: performance_schema.table_io_waits_summary_by_table" + off, wait.getMessage());
    }

    @Test
    void theBinlogDumpThreadIsNotASlowStatement() throws Exception {
        awaitBinlogDumpActiveForPicos(300_000_000_000L);
        Map<String, MetricValue> values = byName(collectOnce(new StmtCurrentFactory(), admin(),
                plan(domain("stmt.current", List.of(), Map.of("slow-threshold", "200ms")))));
        assertEquals(0, values.get("slow").value());
        assertTrue(values.get("slowest").value() < 200_000, values.toString());
    }

    private static void awaitBinlogDumpActiveForPicos(long picos) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = db().admin(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT MAX(TIMER_WAIT) FROM performance_schema.events_statements_current"
                         + " WHERE END_EVENT_ID IS NULL AND EVENT_NAME LIKE 'statement/com/Binlog%'")) {
                if (rs.next() && rs.getLong(1) >= picos) {
                    return;
                }
            }
            Thread.sleep(20); // polling the server's state, not waiting for an outcome
        }
        var active = new StringBuilder();
        try (Connection c = db().admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT THREAD_ID, EVENT_NAME, TIMER_WAIT, END_EVENT_ID"
                     + " FROM performance_schema.events_statements_current")) {
            while (rs.next()) {
                active.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3))
                        .append(' ').append(rs.getString(4)).append("; ");
            }
        }
        throw new AssertionError("no binlog dump statement active for " + picos + " ps within 30 s: " + active);
    }
}
