package io.blip.plugin.aws.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.AwsSection;
import io.blip.plugin.aws.TestMonitors;
import io.blip.api.time.Time;
import io.blip.testkit.VirtualTime;
import io.blip.testkit.aws.FakeSecretsManager;
import io.blip.testkit.aws.FakeSecretsManager.Fault;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code aws-secret} source with the real AWS SDK client against a fake Secrets Manager on
 * loopback, pointed at it the way a user would: the SDK's own endpoint setting
 * ({@code aws.endpointUrlSecretsManager}, the system-property twin of
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}) and static credentials ({@code aws.accessKeyId},
 * {@code aws.secretAccessKey}).
 */
class SecretSourceTest {
    static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:blip-password-AbCdEf";
    static final String RDS_SECRET = """
            {"username": "admin", "password": "p4ss-one", "engine": "mysql",
             "host": "db.cluster-abc.us-east-1.rds.amazonaws.com", "port": 3306, "dbClusterIdentifier": "db"}""";
    static final String PREFIX = "Secrets Manager secret " + ARN + ": ";
    static final String SHAPE = "; it must be a JSON object with a string \"password\" key, like {\"password\": \"...\"}";
    static final Map<String, String> PROPERTIES = Map.of(
            "aws.accessKeyId", "AKIDBLIPTEST",
            "aws.secretAccessKey", "blip-test-secret-key",
            "aws.disableEc2Metadata", "true");

    static FakeSecretsManager fake;
    static final Map<String, String> saved = new HashMap<>();

    final SecretSourceFactory factory = new SecretSourceFactory();

    @BeforeAll
    static void startFake() {
        fake = FakeSecretsManager.start();
        Map<String, String> props = new HashMap<>(PROPERTIES);
        props.put("aws.endpointUrlSecretsManager", fake.endpoint().toString());
        props.forEach((k, v) -> saved.put(k, System.setProperty(k, v)));
    }

    @AfterAll
    static void stopFake() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        fake.close();
    }

    @AfterEach
    void heal() {
        fake.heal();
    }

    static MonitorConfig monitor(String secret) {
        return MonitorConfig.of("db1").withOrigin("blip.yaml: monitors[0]").withSection(AwsSection.NAME,
                TestMonitors.aws(secret.isEmpty() ? Map.of() : Map.of(AwsSection.PASSWORD_SECRET, secret)));
    }

    CredentialSource source(String secret, RegionLookup regions) {
        return factory.make(CredentialContext.of(monitor(secret), regions, PluginServices.NONE, Time.system()));
    }

    CredentialSource source() {
        return source(ARN, RegionLookup.NONE);
    }

    @Test
    void readsThePasswordKeyOfTheCurrentVersionAndTheUserFromTheConfig() throws Exception {
        fake.put(ARN, RDS_SECRET);
        int before = fake.callCount();
        Credentials c = source().credentials(CredentialReason.CONNECT);
        assertEquals("blip", c.username(), "the secret's username key is ignored, as Blip does");
        assertEquals("p4ss-one", c.password().reveal());
        assertFalse(c.requiresTls());
        assertEquals(before + 1, fake.callCount());
        FakeSecretsManager.Call call = fake.calls().getLast();
        assertEquals(new FakeSecretsManager.Call(FakeSecretsManager.GET_SECRET_VALUE, ARN, "AWSCURRENT",
                "AKIDBLIPTEST", "us-east-1"), call, "signed for the ARN's region with the configured key");
    }

    @Test
    void aSecretNameUsesTheMonitorsRegion() throws Exception {
        fake.put("blip-by-name", "{\"password\":\"by-name\"}");
        CredentialSource s = source("blip-by-name", m -> Optional.of("eu-west-1"));
        assertEquals("by-name", s.credentials(CredentialReason.CONNECT).password().reveal());
        assertEquals("eu-west-1", fake.calls().getLast().region());
    }

    @Test
    void makingASourceDoesNoIo() {
        int before = fake.callCount();
        source();
        assertEquals(before, fake.callCount());
    }

    @Test
    void newConnectionsReuseThePasswordWithoutCallingAws() throws Exception {
        fake.put(ARN, RDS_SECRET);
        CredentialSource s = source();
        int before = fake.callCount();
        for (int i = 0; i < 5; i++) {
            assertEquals("p4ss-one", s.credentials(CredentialReason.CONNECT).password().reveal());
        }
        assertEquals(before + 1, fake.callCount());
    }

    @Test
    void accessDeniedReadsTheSecretAgainAndPicksUpARotation() throws Exception {
        fake.put(ARN, RDS_SECRET);
        CredentialSource s = source();
        assertEquals("p4ss-one", s.credentials(CredentialReason.CONNECT).password().reveal());
        fake.put(ARN, RDS_SECRET.replace("p4ss-one", "p4ss-two"));
        int before = fake.callCount();
        assertEquals("p4ss-one", s.credentials(CredentialReason.CONNECT).password().reveal(), "cached");
        assertEquals("p4ss-two", s.credentials(CredentialReason.ACCESS_DENIED).password().reveal());
        assertEquals("p4ss-two", s.credentials(CredentialReason.CONNECT).password().reveal());
        assertEquals(before + 1, fake.callCount());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "THROTTLE|2", // one retry
            "SERVER_ERROR|2",
            "ACCESS_DENIED|1", // not retried
            "MALFORMED|2", // the SDK retries an answer it cannot parse
            "STALL|1"})
    void thePasswordReadBeforeIsKeptWhileSecretsManagerFails(Fault fault, int calls) throws Exception {
        fake.put(ARN, RDS_SECRET);
        CredentialSource s = source();
        s.credentials(CredentialReason.CONNECT);
        fake.put(ARN, RDS_SECRET.replace("p4ss-one", "p4ss-two"));
        fake.failAlways(fault);
        int before = fake.callCount();
        long start = System.nanoTime();
        assertEquals("p4ss-one", s.credentials(CredentialReason.ACCESS_DENIED).password().reveal());
        assertTrue(millisSince(start) < 3_000, "bounded: " + millisSince(start) + " ms");
        assertEquals(before + calls, fake.callCount());
        fake.heal();
        assertEquals("p4ss-two", s.credentials(CredentialReason.ACCESS_DENIED).password().reveal());
    }

    @Test
    void aKeptPasswordIsSaidToBeAsOldAsItIsOnTheSourcesTime() throws Exception {
        fake.put(ARN, RDS_SECRET);
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        CredentialSource s = factory.make(CredentialContext.of(monitor(ARN), RegionLookup.NONE, PluginServices.NONE,
                time));
        s.credentials(CredentialReason.CONNECT);
        time.advance(Duration.ofSeconds(90));
        fake.failAlways(Fault.ACCESS_DENIED);
        Logger logger = Logger.getLogger(SecretSource.class.getName());
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            assertEquals("p4ss-one", s.credentials(CredentialReason.ACCESS_DENIED).password().reveal());
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().startsWith("monitor db1: " + PREFIX + "access denied ("), warnings.getFirst());
        assertTrue(warnings.getFirst().contains("; keeping the password read 90 s ago (version "), warnings.getFirst());
    }

    @Test
    void throttlingWithNothingReadYetIsAnErrorAfterOneRetry() {
        fake.put(ARN, RDS_SECRET);
        fake.failAlways(Fault.THROTTLE);
        int before = fake.callCount();
        assertEquals(PREFIX + "Secrets Manager throttled GetSecretValue (ThrottlingException: Rate exceeded)",
                error(source()).getMessage());
        assertEquals(before + 2, fake.callCount());
    }

    @Test
    void accessDeniedByIamNamesThePermission() {
        fake.put(ARN, RDS_SECRET);
        fake.failAlways(Fault.ACCESS_DENIED);
        assertEquals(PREFIX + "access denied (AccessDeniedException: User: arn:aws:iam::123456789012:user/blip is "
                + "not authorized to perform: secretsmanager:GetSecretValue because no identity-based policy allows "
                + "the secretsmanager:GetSecretValue action); the AWS credentials Blip uses need "
                + "secretsmanager:GetSecretValue on this secret", error(source()).getMessage());
    }

    @Test
    void anUnknownSecretNamesTheRegion() {
        String arn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:nope-AbCdEf";
        assertEquals("Secrets Manager secret " + arn + ": not found in region us-west-2 (ResourceNotFoundException: "
                        + "Secrets Manager can't find the specified secret.); check the ARN and the region",
                error(source(arn, RegionLookup.NONE)).getMessage());
    }

    @Test
    void aMalformedAnswerNeverShowsTheBody() {
        fake.put(ARN, RDS_SECRET);
        fake.failAlways(Fault.MALFORMED);
        BlipException e = error(source());
        assertEquals(PREFIX + "Secrets Manager's answer to GetSecretValue is not valid JSON (a proxy or a wrong "
                + "endpoint in between?)", e.getMessage());
        assertNull(e.getCause(), "the SDK's parse error quotes the body");
    }

    @Test
    void aStalledSecretsManagerIsGivenUpAfterTwoSeconds() {
        fake.put(ARN, RDS_SECRET);
        fake.failAlways(Fault.STALL);
        long start = System.nanoTime();
        BlipException e = error(source());
        long took = millisSince(start);
        assertEquals(PREFIX + "Secrets Manager did not answer GetSecretValue within 2 s (retry included)",
                e.getMessage());
        assertTrue(took >= 1_900 && took < 3_000, "about 2 s, not " + took + " ms");
    }

    @Test
    void anUnreachableSecretsManagerSaysSo() throws Exception {
        FakeSecretsManager gone = FakeSecretsManager.start();
        String endpoint = gone.endpoint().toString();
        gone.close();
        String was = System.setProperty("aws.endpointUrlSecretsManager", endpoint);
        try {
            String message = error(source()).getMessage();
            assertTrue(message.startsWith(PREFIX + "cannot reach Secrets Manager (ConnectException"), message);
        } finally {
            System.setProperty("aws.endpointUrlSecretsManager", was);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "hunter2|the value is not JSON (at character 1: expected a value)" + SHAPE,
            "'hunter2'|the value is not JSON (at character 1: expected a value)" + SHAPE,
            "``|the value is not JSON (at character 1: expected a value but the text ended)" + SHAPE,
            "null|the value is JSON null" + SHAPE,
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
    void aSecretValueWithoutAStringPasswordIsAClearErrorWithoutTheValue(String value, String problem) {
        fake.put(ARN, value);
        BlipException e = error(source());
        assertEquals(PREFIX + problem, e.getMessage());
        assertNull(e.getCause());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aBinarySecretIsAClearError() {
        fake.putBinary(ARN, "{\"password\":\"hunter2\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(PREFIX + "the secret holds binary data (SecretBinary), not a string; store the JSON object as the "
                + "secret string (SecretString)", error(source()).getMessage());
    }

    @Test
    void passwordsWithEscapesAndUnicodeComeThroughExactly() throws Exception {
        String password = "p\"a\\s/s\tw\u00f6rd\u20ac \ud83d\udd11";
        fake.put(ARN, "{\"password\": \"p\\\"a\\\\s\\/s\\tw\\u00f6rd\u20ac \\ud83d\\udd11\"}");
        assertEquals(password, source().credentials(CredentialReason.CONNECT).password().reveal());
    }

    @Test
    void theFactoryIsFoundAndHandlesOnlyMonitorsWithASecret() {
        Module plugin = SecretSourceFactory.class.getModule();
        assertTrue(plugin.getDescriptor().provides().stream().anyMatch(p ->
                p.service().equals(CredentialSourceFactory.class.getName())
                        && p.providers().contains(SecretSourceFactory.class.getName())), plugin.getDescriptor()::toString);
        CredentialSourceFactory f = new SecretSourceFactory();
        assertEquals("aws-secret", f.name());
        assertEquals(500, f.precedence());
        assertTrue(f.handles(monitor(ARN)));
        assertFalse(f.handles(monitor("")));
    }

    @Test
    void chosenByNameWithoutASecretIsABootError() {
        assertEquals("blip.yaml: monitors[0].aws.password-secret: the aws-secret credential source needs the ARN of "
                + "the Secrets Manager secret that holds the password",
                assertThrows(BlipException.class, () -> source("", RegionLookup.NONE)).getMessage());
    }

    @Test
    void everyMonitorsClientSharesOneTimerThread() throws Exception {
        fake.put(ARN, RDS_SECRET);
        long sdk = threads("sdk-ScheduledExecutor");
        long ours = threads("blip-aws-secret-timeouts");
        for (int i = 0; i < 10; i++) {
            source().credentials(CredentialReason.CONNECT);
        }
        assertEquals(sdk, threads("sdk-ScheduledExecutor"), "the SDK's own timer pool is per client, up to 5 threads");
        assertTrue(threads("blip-aws-secret-timeouts") - ours <= 1, "one per factory");
    }

    static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    static BlipException error(CredentialSource s) {
        return assertThrows(BlipException.class, () -> s.credentials(CredentialReason.CONNECT));
    }

    static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
