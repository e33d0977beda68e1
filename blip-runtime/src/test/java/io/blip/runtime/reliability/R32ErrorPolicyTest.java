package io.blip.runtime.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.Secret;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.credential.Credentials;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.LogEvents;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestDomains;
import io.blip.testkit.TestSecrets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * R32: a domain runs {@code SHOW SLAVE STATUS} as a user without the privilege, so MariaDB answers 1227
 * (access denied) each time, under each error policy for 6 intervals. The default reports every interval,
 * {@code report-once} once; {@code ignore,drop,stop} reports nothing and stops querying: after the first
 * failure the server's general log has 0 further statements of that user.
 */
class R32ErrorPolicyTest {
    private static final String PASSWORD = TestSecrets.secret("R32ErrorPolicyTest.PASSWORD", "r32-pw");
    private static final String DOMAIN = "test.replica";
    private static final int INTERVALS = 6;

    @Test
    void eachPolicyReportsAndQueriesAsItSays() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        List<String> measured = new ArrayList<>();
        db.execute("SET GLOBAL log_output = 'TABLE'", "SET GLOBAL general_log = 1");
        try {
            assertEquals(List.of(INTERVALS + 1, INTERVALS + 1), run(db, "r32_default", "", measured),
                    "default: reported and queried every interval");
            assertEquals(List.of(1, INTERVALS + 1), run(db, "r32_once", "report-once", measured),
                    "report-once: reported once, queried every interval");
            assertEquals(List.of(0, 1), run(db, "r32_stop", "ignore,drop,stop", measured),
                    "ignore,drop,stop: never reported, queried once");
        } finally {
            db.execute("SET GLOBAL general_log = 0");
        }
        Reliability.figure("R32", R32ErrorPolicyTest.class, "1227 on SHOW SLAVE STATUS, " + (INTERVALS + 1)
                + " collections each (statements counted in MariaDB's general log): " + String.join("; ", measured));
    }

    /** Runs a monitor with the policy; returns [error lines logged, statements the server received]. */
    private static List<Integer> run(EmbeddedMariaDb db, String user, String policy, List<String> measured)
            throws Exception {
        db.createUser(user, PASSWORD, "PROCESS ON *.*"); // no SLAVE MONITOR, REPLICATION CLIENT or SUPER
        Plan plan = new Plan("p", "test", Map.of("l", new Level("l", Duration.ofSeconds(1), Map.of(DOMAIN,
                new Domain(DOMAIN, List.of("value"), Map.of(), policy.isEmpty() ? Map.of()
                        : Map.of("access-denied", policy))))));
        try (Rig rig = new Rig(); LogEvents log = new LogEvents("io.blip.runtime.monitor")) {
            Monitor m = rig.monitor(user, db.hostPort(), plan, Map.of(DOMAIN, showSlaveStatus()),
                    reason -> Credentials.of(user, Secret.of(PASSWORD)), Duration.ofSeconds(5), Duration.ofSeconds(3));
            rig.start(m);
            for (int i = 0; i < INTERVALS; i++) {
                rig.tick(m);
            }
            int lines = (int) log.all().stream().filter(l -> l.contains(user) && l.contains("access-denied")
                    && !l.contains("stopped until")).count();
            int statements = statements(db, user);
            measured.add(String.format("%s: %d error lines, %d statements",
                    policy.isEmpty() ? "default (report,drop,retry)" : policy, lines, statements));
            return List.of(lines, statements);
        }
    }

    private static int statements(EmbeddedMariaDb db, String user) throws SQLException {
        try (Connection c = db.admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM mysql.general_log WHERE user_host LIKE '" + user + "[%'"
                        + " AND CAST(argument AS CHAR) LIKE 'SHOW SLAVE STATUS%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static CollectorFactory showSlaveStatus() {
        return TestDomains.domain(TestDomains.help(DOMAIN).error("access-denied", "no privilege", 1227).build(), c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                return rs.next() ? 1 : 0;
            }
        });
    }
}
