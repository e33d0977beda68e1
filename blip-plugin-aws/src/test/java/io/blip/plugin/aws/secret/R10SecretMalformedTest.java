package io.blip.plugin.aws.secret;

import static io.blip.plugin.aws.secret.SecretSourceTest.ARN;
import static io.blip.plugin.aws.secret.SecretSourceTest.PREFIX;
import static io.blip.plugin.aws.secret.SecretSourceTest.RDS_SECRET;
import static io.blip.plugin.aws.secret.SecretSourceTest.SHAPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blip.api.BlipException;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.api.time.Time;
import io.blip.plugin.aws.SecretScan;
import io.blip.plugin.aws.TestMonitors.SystemProperties;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestSecrets;
import io.blip.testkit.aws.FakeSecretsManager;
import io.blip.testkit.aws.FakeSecretsManager.Fault;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reliability row R10: a secret value that is not what Blip reads (not JSON, {@code null}, no
 * {@code password} key, a number, ...) or an answer that is not JSON at all. Each is a clear error
 * naming the secret's ARN and the problem, never the value (no cause either: a parser's message may
 * quote it); nothing crashes: the source keeps a password read before, and reads a fixed value on
 * the next ask. The real SDK client against the loopback fake.
 */
class R10SecretMalformedTest {
    private static FakeSecretsManager fake;
    private static final SystemProperties properties = new SystemProperties();
    private static final AtomicInteger malformed = new AtomicInteger();
    private static final AtomicInteger echoes = new AtomicInteger();
    private static final AtomicInteger recovered = new AtomicInteger();

    @BeforeAll
    static void startFake() {
        fake = SecretSourceTest.startFake(properties);
    }

    @AfterAll
    static void stopFake() {
        properties.close();
        fake.close();
        Reliability.figure("R10", R10SecretMalformedTest.class, malformed.get() + " malformed secret values and "
                + "answers (not JSON, JSON null, an array, a string, a number, no \"password\" key, a null, number, "
                + "boolean, array, object or empty password, binary, an HTTP answer that is not JSON): each a "
                + "BlipException naming the ARN and the problem, with no cause; " + echoes.get() + " echoes of the "
                + "value in messages or TRACE logs; " + recovered.get() + " of them followed by a good value read "
                + "on the next ask (no crash, nothing stuck); a password read before is kept through both kinds.");
    }

    @AfterEach
    void heal() {
        fake.heal();
    }

    private static CredentialSource source() {
        return new SecretSourceFactory().make(CredentialContext.of(SecretSourceTest.monitor(ARN), RegionLookup.NONE,
                PluginServices.NONE, Time.system()));
    }

    /** The error, which holds nothing of {@code secrets}; then the source reads a good value. */
    private static BlipException clearErrorThenRecovers(CredentialSource s, List<String> secrets) throws Exception {
        try (SecretScan scan = new SecretScan()) {
            BlipException e = assertThrows(BlipException.class, () -> s.credentials(CredentialReason.CONNECT));
            malformed.incrementAndGet();
            assertNull(e.getCause(), "a cause may quote the value");
            for (String secret : secrets) {
                if (e.getMessage().contains(secret) || scan.events().stream().anyMatch(l -> l.contains(secret))) {
                    echoes.incrementAndGet();
                }
            }
            scan.assertNoSecret(secrets, e.getMessage());
            fake.heal();
            fake.put(ARN, "{\"password\": \"" + TestSecrets.secret("R10SecretMalformedTest.fixed", "fixed-pw") + "\"}");
            assertEquals("fixed-pw", s.credentials(CredentialReason.CONNECT).password().reveal());
            recovered.incrementAndGet();
            return e;
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "hunter2|the value is not JSON (at character 1: expected a value)" + SHAPE,
            "'hunter2'|the value is not JSON (at character 1: expected a value)" + SHAPE,
            "``|the value is not JSON (at character 1: expected a value but the text ended)" + SHAPE,
            "null|the value is JSON null" + SHAPE,
            "2024|the value is a JSON number, not an object" + SHAPE,
            "[\"hunter2\"]|the value is a JSON array, not an object" + SHAPE,
            "\"hunter2\"|the value is a JSON string, not an object" + SHAPE,
            "{\"username\": \"hunter2\"}|the JSON object has no \"password\" key" + SHAPE,
            "{\"Password\": \"hunter2\"}|the JSON object has no \"password\" key (keys are case-sensitive: write it "
                    + "in lower case)" + SHAPE,
            "{\"password\": null}|the \"password\" key holds null, not a string" + SHAPE,
            "{\"password\": 2024}|the \"password\" key holds a JSON number, not a string" + SHAPE,
            "{\"password\": true}|the \"password\" key holds a JSON boolean, not a string" + SHAPE,
            "{\"password\": [\"hunter2\"]}|the \"password\" key holds a JSON array, not a string" + SHAPE,
            "{\"password\": {\"v\": \"hunter2\"}}|the \"password\" key holds a JSON object, not a string" + SHAPE,
            "{\"password\": \"\"}|the \"password\" key holds an empty string",
            "{\"password\": \"hunter2\"} x|the value is not JSON (at character 25: more content after the JSON "
                    + "value)" + SHAPE,
            "{\"password\": \"hunter2\", \"password\": \"x\"}|the value is not JSON (at character 25: a key that "
                    + "appears twice in the same object)" + SHAPE,
            "{\"password\": \"hunter2|the value is not JSON (at character 22: a string that is not closed)" + SHAPE,
            "{\"password\": \"hunter2\" \"user\": 1}|the value is not JSON (at character 24: expected ',' or '}')"
                    + SHAPE,
            "{password: \"hunter2\"}|the value is not JSON (at character 2: expected a key in double quotes)" + SHAPE})
    void aSecretValueWithoutAStringPasswordIsAClearErrorWithoutTheValue(String value, String problem) throws Exception {
        fake.put(ARN, value);
        BlipException e = clearErrorThenRecovers(source(),
                // "null" names what the value is: the message says "JSON null" by design.
                value.isEmpty() || value.equals("null") ? List.of("hunter2") : List.of("hunter2", value));
        assertEquals(PREFIX + problem, e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aBinarySecretIsAClearError() throws Exception {
        fake.putBinary(ARN, "{\"password\":\"hunter2\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(PREFIX + "the secret holds binary data (SecretBinary), not a string; store the JSON object as the "
                + "secret string (SecretString)", clearErrorThenRecovers(source(), List.of("hunter2")).getMessage());
    }

    @Test
    void anAnswerThatIsNotJsonNeverShowsTheBody() throws Exception {
        fake.put(ARN, RDS_SECRET);
        fake.failAlways(Fault.MALFORMED);
        assertEquals(PREFIX + "Secrets Manager's answer to GetSecretValue is not valid JSON (a proxy or a wrong "
                + "endpoint in between?)", clearErrorThenRecovers(source(), List.of("p4ss-one")).getMessage());
    }

    @Test
    void aPasswordReadBeforeIsKeptThroughAMalformedRotation() throws Exception {
        fake.put(ARN, RDS_SECRET);
        CredentialSource s = source();
        assertEquals("p4ss-one", s.credentials(CredentialReason.CONNECT).password().reveal());
        try (SecretScan scan = new SecretScan()) {
            fake.put(ARN, "{\"password\": 2024, \"note\": \"hunter2\"}");
            assertEquals("p4ss-one", s.credentials(CredentialReason.ACCESS_DENIED).password().reveal());
            fake.put(ARN, RDS_SECRET);
            fake.failAlways(Fault.MALFORMED);
            assertEquals("p4ss-one", s.credentials(CredentialReason.ACCESS_DENIED).password().reveal());
            assertEquals(1, scan.count(Level.WARNING, PREFIX + "the \"password\" key holds a JSON number"),
                    scan.events()::toString);
            assertEquals(1, scan.count(Level.WARNING, PREFIX + "Secrets Manager's answer to GetSecretValue is not "
                    + "valid JSON"), scan.events()::toString);
            scan.assertNoSecret(List.of("hunter2", "p4ss-one"));
        }
    }
}
