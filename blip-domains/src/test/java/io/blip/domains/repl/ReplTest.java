package io.blip.domains.repl;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.ErrorHelp;
import io.blip.api.config.Option;
import io.blip.testkit.EmbeddedMariaDb;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.context;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplTest {
    private final ReplFactory factory = new ReplFactory();

    @Test
    void notAReplicaIsDroppedByDefault() throws Exception {
        assertEquals(List.of(), collect(Map.of()));
    }

    @Test
    void notAReplicaIsMinusOneWhenAskedFor() throws Exception {
        assertEquals(List.of(new MetricValue("running", -1, MetricType.GAUGE, Map.of(), Map.of("source", ""))),
                collect(Map.of("report-not-a-replica", "yes")));
    }

    @Test
    void aReplicaWhoseThreadsAreStoppedIsNotRunning() throws Exception {
        // Point the server at itself without starting replication: SHOW REPLICA STATUS then has a row
        // with both threads stopped, without needing a second server.
        db().execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + db().port()
                + ", MASTER_USER='nobody', MASTER_PASSWORD='x'");
        try {
            assertEquals(List.of(new MetricValue("running", 0, MetricType.GAUGE, Map.of(),
                    Map.of("source", "127.0.0.1"))), collect(Map.of()));
        } finally {
            db().execute("RESET SLAVE ALL");
        }
    }

    @Test
    void accessDeniedIsThrownWithItsCodeForTheErrorPolicy() {
        // On MariaDB 10.5+, REPLICATION CLIENT (BINLOG MONITOR) is not enough: it takes SLAVE MONITOR.
        db().createUser("repl_nopriv", "pw", "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        var e = assertThrows(SQLException.class, () -> collectOnce(factory,
                context(db().dataSource("repl_nopriv", "pw")), plan(domain("repl", List.of("running"), Map.of()))));
        assertEquals(1227, e.getErrorCode());
        assertTrue(factory.help().errors().get("access-denied").mysqlErrorCodes().contains(e.getErrorCode()));
    }

    @Test
    void serverVersionsChooseTheStatement() {
        assertTrue(ServerVersion.parse("10.11.5-MariaDB-log").hasShowReplicaStatus());
        assertTrue(ServerVersion.parse("10.5.1-MariaDB").hasShowReplicaStatus());
        assertFalse(ServerVersion.parse("10.4.32-MariaDB").hasShowReplicaStatus());
        assertTrue(ServerVersion.parse("5.5.5-10.6.4-MariaDB").hasShowReplicaStatus());
        assertTrue(ServerVersion.parse("8.0.22").hasShowReplicaStatus());
        assertTrue(ServerVersion.parse("8.4.3").hasShowReplicaStatus());
        assertTrue(ServerVersion.parse("8.0.36-28").hasShowReplicaStatus());
        assertFalse(ServerVersion.parse("8.0.21-log").hasShowReplicaStatus());
        assertFalse(ServerVersion.parse("5.7.44-log").hasShowReplicaStatus());
        assertEquals(new ServerVersion(true, 10, 11, 5), ServerVersion.parse("10.11.5-MariaDB-log"));
        assertEquals(new ServerVersion(true, 11, 4, 5), ServerVersion.parse("11.4.5-MariaDB-log"));
        // The embedded server's own, whichever release this JVM runs (-Dblip.mariadb).
        assertTrue(ServerVersion.parse(db().version()).hasShowReplicaStatus(), db().version());
    }

    @Test
    void helpDeclaresRunningSourceAndAccessDenied() {
        assertTrue(factory.help().strictMetrics());
        assertEquals(List.of("running"), factory.help().metrics().stream().map(m -> m.name()).toList());
        assertEquals(List.of("source"), factory.help().meta());
        Option report = factory.help().options().get("report-not-a-replica").orElseThrow();
        assertEquals("no", report.defaultValue());
        assertEquals(Set.of("yes", "no"), report.values().keySet());
        ErrorHelp denied = factory.help().errors().get("access-denied");
        assertEquals(Set.of(1227), denied.mysqlErrorCodes());
    }

    private List<MetricValue> collect(Map<String, String> options) throws Exception {
        return collectOnce(factory, admin(), plan(domain("repl", List.of(), options)));
    }
}
