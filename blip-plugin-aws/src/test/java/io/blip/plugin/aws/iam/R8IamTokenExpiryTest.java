package io.blip.plugin.aws.iam;

import static io.blip.plugin.aws.TestMonitors.iam;
import static io.blip.plugin.aws.TestMonitors.monitor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.SecretScan;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestSecrets;
import io.blip.testkit.VirtualTime;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.Set;
import io.blip.api.Secret;
import org.junit.jupiter.api.Test;

/**
 * Reliability row R8: RDS IAM auth tokens expire 900 s after they are signed. The source caches a
 * token at most 870 s (on virtual time), so a connection opened after a token's expiry succeeds on
 * its first attempt; a token refused anyway (1045) is replaced on the second. The token is never
 * logged (TRACE included) nor in a message, and IAM auth with TLS disabled is a boot error. The
 * "server" here accepts a token while less than 900 s of virtual time have passed since it was
 * made, as RDS does on its own clock.
 */
class R8IamTokenExpiryTest {
    private static final String HOST = "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com";
    private static final Duration VALIDITY = Duration.ofSeconds(900);
    private static final String SECRET_KEY = TestSecrets.secret("R8IamTokenExpiryTest.SECRET_KEY",
            "blip/test/secret+key/0000000000000000000");

    private final VirtualTime time = new VirtualTime(Instant.parse("2024-05-01T12:00:00Z"));
    /**
     * The virtual time each token was made at: what the fake server judges expiry by. By identity:
     * the SDK signs on the system clock, so two tokens made within one real second are equal text.
     */
    private final Map<Secret, Instant> made = new IdentityHashMap<>();
    private final Set<String> texts = new HashSet<>();
    private int generated;
    /** The oldest a token was when handed out for a new connection. */
    private Duration oldest = Duration.ZERO;

    private CredentialSource source(MonitorConfig m) {
        return new IamAuthSourceFactory().make(CredentialContext.of(m, x -> Optional.of("us-east-1"),
                IamAuthSourceTest.counting(new AtomicInteger(), new AtomicBoolean()), time));
    }

    private Secret token(CredentialSource s, CredentialReason reason) throws Exception {
        Credentials c = s.credentials(reason);
        Secret t = c.password();
        if (made.putIfAbsent(t, time.now()) == null) {
            generated++;
            texts.add(t.reveal());
        }
        return t;
    }

    /** The fake RDS: a token is good for 900 s from when it was made, unless revoked. */
    private boolean accepts(Secret token, boolean revoked) {
        return !revoked && time.now().isBefore(made.get(token).plus(VALIDITY));
    }

    /** One new connection as the runtime opens it: CONNECT, and once more with ACCESS_DENIED on 1045. */
    private int connect(CredentialSource s, boolean revokeFirst) throws Exception {
        Secret t = token(s, CredentialReason.CONNECT);
        Duration age = Duration.between(made.get(t), time.now());
        oldest = age.compareTo(oldest) > 0 ? age : oldest;
        if (accepts(t, revokeFirst)) {
            return 1;
        }
        Secret fresh = token(s, CredentialReason.ACCESS_DENIED);
        assertTrue(accepts(fresh, false), "the token made after access denied is accepted");
        return 2;
    }

    @Test
    void connectionsAcrossTokenExpiriesSucceedFirstTimeAndNothingLeaks() throws Exception {
        List<String> tokens = new ArrayList<>();
        int connects = 0;
        int firstAttempt = 0;
        TreeSet<Integer> attempts = new TreeSet<>();
        try (SecretScan scan = new SecretScan()) {
            CredentialSource s = source(monitor(HOST, iam("us-east-1")));
            Instant end = time.now().plus(Duration.ofHours(3));
            // New connections every 7 to 61 s of virtual time, across 3 hours: many token lifetimes.
            int[] gaps = {7, 61, 13, 29, 59, 3, 31};
            for (int i = 0; time.now().isBefore(end); i++) {
                int n = connect(s, false);
                connects++;
                attempts.add(n);
                if (n == 1) {
                    firstAttempt++;
                }
                time.advance(Duration.ofSeconds(gaps[i % gaps.length]));
            }
            assertEquals(new TreeSet<>(Set.of(1)), attempts, "every connection succeeded on its first attempt");
            assertTrue(oldest.compareTo(IamAuthSource.TOKEN_LIFETIME) < 0, "a token was handed out " + oldest);

            int revoked = connect(s, true);
            assertEquals(2, revoked, "a refused token is replaced at once: the second attempt succeeds");
            tokens.addAll(texts);
            scan.assertNoSecret(tokens, s.toString());
            scan.assertNoSecret(List.of(SECRET_KEY));
            String expires = URI.create("https://" + tokens.getFirst()).getQuery().replaceAll(
                    ".*X-Amz-Expires=(\\d+).*", "$1");
            assertTrue(expires.matches("900|899"), expires);

            MonitorConfig noTls = monitor("db1", HOST, "", iam("us-east-1"),
                    new TlsConfig("", "", "", false, true, "", "", ""));
            BlipException refused = assertThrows(BlipException.class, () -> source(noTls));
            assertEquals("blip.yaml: monitors[0].aws.iam-auth: the IAM auth token must travel over TLS, but "
                    + "tls.disable is true; remove tls.disable", refused.getMessage());

            Reliability.figure("R8", R8IamTokenExpiryTest.class, connects + " new connections over 3 h of virtual "
                    + "time (every 3 to 61 s): " + firstAttempt + " succeeded on the first attempt, " + generated
                    + " tokens made; the oldest token handed out was " + oldest.toSeconds() + " s old (cache "
                    + IamAuthSource.TOKEN_LIFETIME.toSeconds() + " s, renewed on the first ask at or after it); a token refused anyway "
                    + "(1045): accepted on attempt " + revoked + " with a new one. Token X-Amz-Expires=" + expires
                    + " (900 or 899 accepted: the SDK reads the clock twice and rounds down; either outlives the cache). "
                    + "0 tokens or secret keys in "
                    + "TRACE logs, messages or toString; aws.iam-auth with tls.disable refused at boot.");
        }
    }
}
