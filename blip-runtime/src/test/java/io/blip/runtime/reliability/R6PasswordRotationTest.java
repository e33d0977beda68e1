package io.blip.runtime.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.runtime.credential.PasswordFileSourceFactory;
import io.blip.runtime.monitor.Monitor;
import io.blip.runtime.mysql.TestMonitors;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TcpProxy;
import io.blip.testkit.TestDomains;
import io.blip.testkit.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R6: the monitor's password is rotated on MySQL ({@code ALTER USER}) before its {@code password-file}
 * is rewritten. The open session keeps working; once it is lost (the proxy resets it), each interval tries
 * one new connection and asks the file again once on "access denied" (no hot loop); the interval after
 * the file is rewritten (with a trailing newline) connects and collects.
 */
class R6PasswordRotationTest {
    private static final String DOMAIN = "test.select";
    private static final String USER = "r6_rotated";

    @TempDir
    Path dir;

    @Test
    void aRotatedPasswordIsPickedUpTheIntervalAfterTheFileChangesWithoutAHotLoop() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(USER, TestSecrets.secret("R6PasswordRotationTest.old", "old-password"));
        Path file = dir.resolve("password");
        Files.writeString(file, "old-password");
        List<CredentialReason> asked = new CopyOnWriteArrayList<>();
        try (Rig rig = new Rig(); TcpProxy proxy = TcpProxy.in(db)) {
            MysqlConfig mysql = new MysqlConfig(proxy.hostPort(), "", "", USER, Secret.empty(), file.toString(),
                    Duration.ofSeconds(5), "");
            MonitorConfig config = TestMonitors.monitor("r6", "monitors[0]", mysql, TlsConfig.EMPTY);
            CredentialSource fromFile = new PasswordFileSourceFactory().make(CredentialContext.of(config));
            CredentialSource counted = reason -> {
                asked.add(reason);
                return fromFile.credentials(reason);
            };
            Monitor m = rig.monitor("r6", proxy.hostPort(), Rig.plan(Duration.ofSeconds(1), DOMAIN),
                    Map.of(DOMAIN, TestDomains.domain(DOMAIN, TestDomains::selectOne)), counted, Duration.ofSeconds(5),
                    Duration.ofSeconds(3));
            MonitorHealth h = rig.start(m);
            assertTrue(h.up());

            db.changePassword(USER, TestSecrets.secret("R6PasswordRotationTest.new", "new-password"));
            h = rig.tick(m);
            assertEquals(0L, h.errors().get(DOMAIN), "the open session keeps working after ALTER USER");

            proxy.reset(); // the session is lost; new logins with the old password are denied
            asked.clear();
            int loginsBefore = proxy.accepted();
            int denied = 5;
            int failedIntervals = 0;
            for (int i = 0; i < denied; i++) {
                long before = h.errors().getOrDefault(DOMAIN, 0L);
                h = rig.tickThrough(m, Duration.ofSeconds(5)).health();
                if (!h.up() || h.errors().getOrDefault(DOMAIN, 0L) > before) {
                    failedIntervals++;
                }
            }
            long reAsked = asked.stream().filter(r -> r == CredentialReason.ACCESS_DENIED).count();
            int asks = asked.size();
            int logins = proxy.accepted() - loginsBefore;
            assertEquals(denied, failedIntervals, "denied while the file holds the old password");
            assertTrue(reAsked <= denied, "at most one fresh read per interval: " + asked);
            assertTrue(asks <= 2 * denied, "no hot loop: " + asks + " reads of the file in " + denied + " intervals");
            assertTrue(logins <= denied, "one login per interval while the password is unchanged: " + logins);

            Files.writeString(file, "new-password\n");
            long before = h.errors().getOrDefault(DOMAIN, 0L);
            h = rig.tickThrough(m, Duration.ofSeconds(5)).health();
            assertTrue(h.up() && h.errors().getOrDefault(DOMAIN, 0L) == before,
                    "collected in the first interval after the file changed: " + h);

            Reliability.figure("R6", R6PasswordRotationTest.class, String.format(
                    "ALTER USER, then the session reset: the open session had kept collecting; %d intervals with the"
                            + " old password in the file all failed, with %d logins (one per interval: the file read"
                            + " again after access denied gave the same password, so no second login) and %d reads of"
                            + " the file (%d of them fresh reads after access denied, ≤1 per interval); the file"
                            + " rewritten (trailing newline): collected in the first interval after, 0 more failed",
                    denied, logins, asks, reAsked));
        }
    }
}
