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
import io.blip.plugin.aws.TestMonitors.SystemProperties;
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

    /** A fake Secrets Manager, and the SDK pointed at it through {@code properties} (closed by the caller). */
    static FakeSecretsManager startFake(SystemProperties properties) {
        FakeSecretsManager started = FakeSecretsManager.start();
        PROPERTIES.forEach(properties::set);
        properties.set("aws.endpointUrlSecretsManager", started.endpoint().toString());
        return started;
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
    void anUnknownSecretNamesTheRegion() {
        String arn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:nope-AbCdEf";
        assertEquals("Secrets Manager secret " + arn + ": not found in region us-west-2 (ResourceNotFoundException: "
                        + "Secrets Manager can't find the specified secret.); check the ARN and the region",
                error(source(arn, RegionLookup.NONE)).getMessage());
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
