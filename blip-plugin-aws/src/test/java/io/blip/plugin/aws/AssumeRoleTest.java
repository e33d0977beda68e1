package io.blip.plugin.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.AwsSettings.AssumeRole;
import io.blip.api.time.Time;
import io.blip.plugin.aws.TestMonitors.SystemProperties;
import io.blip.plugin.aws.secret.SecretSourceFactory;
import io.blip.plugin.aws.spi.AwsCredentialsFactory;
import io.blip.testkit.aws.FakeSecretsManager;
import io.blip.testkit.aws.FakeSts;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@code aws.assume-role} with the real AWS SDK against a fake STS and a fake Secrets Manager on
 * loopback, pointed at them the way a user would ({@code aws.endpointUrlSts} and
 * {@code aws.endpointUrlSecretsManager}, the system-property twins of {@code AWS_ENDPOINT_URL_STS}
 * and {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}), with static base credentials. Each test assumes a
 * role of its own: assumed roles are shared by the whole process.
 */
class AssumeRoleTest {
    static final String ROLE = "arn:aws:iam::" + FakeSts.ACCOUNT + ":role/";
    static final String BASE_KEY = FakeEndpointProperties.ACCESS_KEY;
    static final String SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:blip-role-AbCdEf";
    static final RegionLookup US_EAST_1 = m -> Optional.of("us-east-1");
    /** No {@code assume-role} section. */
    static final AssumeRole NO_ROLE = new AssumeRole("", "", "");

    static FakeSts sts;
    static FakeSecretsManager secrets;
    static final SystemProperties properties = new SystemProperties();

    @BeforeAll
    static void start() {
        sts = FakeSts.start();
        secrets = FakeSecretsManager.start();
        secrets.put(SECRET, "{\"password\": \"from-the-role\"}");
        properties.set("aws.endpointUrlSts", sts.endpoint().toString())
                .set("aws.endpointUrlSecretsManager", secrets.endpoint().toString())
                .set("aws.accessKeyId", BASE_KEY)
                .set("aws.secretAccessKey", FakeEndpointProperties.SECRET_KEY)
                .set("aws.disableEc2Metadata", "true");
    }

    @AfterAll
    static void stop() {
        properties.close();
        sts.close();
        secrets.close();
    }

    @AfterEach
    void heal() {
        sts.heal();
        secrets.heal();
    }

    /** A monitor with {@code aws.password-secret} and {@code aws.assume-role} set to the role's non-empty keys. */
    static MonitorConfig monitor(String id, AssumeRole role) {
        var values = new LinkedHashMap<String, Object>();
        values.put(AwsSection.PASSWORD_SECRET, SECRET);
        if (!role.roleArn().isEmpty()) {
            var assume = new LinkedHashMap<String, String>();
            assume.put(AwsSection.ROLE_ARN, role.roleArn());
            assume.put(AwsSection.EXTERNAL_ID, role.externalId());
            assume.put(AwsSection.SESSION_NAME, role.sessionName());
            assume.values().removeIf(String::isEmpty);
            values.put(AwsSection.ASSUME_ROLE, assume);
        }
        return TestMonitors.monitor(id, "db.example.com", "", TestMonitors.aws(values), TlsConfig.EMPTY);
    }

    static AwsClients clients() {
        return new AwsClients(US_EAST_1, PluginServices.NONE);
    }

    @Test
    void theStsCallNamesTheRoleSessionAndExternalIdAndIsSignedWithTheBaseKey() {
        var role = new AssumeRole(ROLE + "blip-reader", "ext-4711", "blip-session-1");
        AwsCredentials c = clients().credentials(monitor("db1", role)).resolveCredentials();

        FakeSts.Call call = sts.lastCall().orElseThrow();
        assertEquals(new FakeSts.Call("AssumeRole", ROLE + "blip-reader", "blip-session-1", "ext-4711", BASE_KEY,
                "us-east-1", call.issuedKeyId()), call);
        AwsSessionCredentials session = assertInstanceOf(AwsSessionCredentials.class, c);
        assertEquals(call.issuedKeyId(), session.accessKeyId());
        assertEquals(FakeSts.secretKeyOf(call.issuedKeyId()), session.secretAccessKey());
        assertEquals("fake-sts-session-token-" + call.issuedKeyId(), session.sessionToken());
    }

    @Test
    void withoutASessionNameTheMonitorIdNamesTheSessionAndNoExternalIdIsSent() {
        var role = new AssumeRole(ROLE + "blip-default-session", "", "");
        clients().credentials(monitor("db1.example.com:3306", role)).resolveCredentials();

        FakeSts.Call call = sts.lastCall().orElseThrow();
        assertEquals("blip-db1.example.com-3306", call.roleSessionName());
        assertNull(call.externalId());
    }

    @Test
    void theNextServiceIsCalledWithTheAssumedCredentials() {
        var role = new AssumeRole(ROLE + "blip-secrets", "", "blip-secrets");
        MonitorConfig m = monitor("db1", role);
        int before = sts.callCount();
        try (SecretsManagerClient client = clients().build(SecretsManagerClient.builder(), m, Duration.ofSeconds(2))) {
            client.getSecretValue(b -> b.secretId(SECRET));
            String assumed = sts.lastCall().orElseThrow().issuedKeyId();
            assertEquals(Optional.of(assumed), secrets.lastAccessKeyId());
            assertNotEquals(BASE_KEY, assumed);

            client.getSecretValue(b -> b.secretId(SECRET));
            assertEquals(Optional.of(assumed), secrets.lastAccessKeyId());
        }
        assertEquals(before + 1, sts.callCount(), "the role's credentials are kept until shortly before they expire");
    }

    @Test
    void aCredentialSourceReadsItsSecretAsTheRole() throws Exception {
        var role = new AssumeRole(ROLE + "blip-source", "", "blip-source");
        CredentialSource source = secretSource(role);
        assertEquals("from-the-role", source.credentials(CredentialReason.CONNECT).password().reveal());
        assertEquals(sts.lastCall().orElseThrow().issuedKeyId(), secrets.lastAccessKeyId().orElseThrow());
    }

    @Test
    void clientsOfTheSameRoleShareOneStsClientAndItsCredentials() {
        var role = new AssumeRole(ROLE + "blip-shared", "", "blip-shared");
        AwsCredentialsProvider first = clients().credentials(monitor("db1", role));
        AwsCredentialsProvider second = clients().credentials(monitor("db1", role));
        assertSame(first, second);
        int before = sts.callCount();
        first.resolveCredentials();
        second.resolveCredentials();
        assertEquals(before + 1, sts.callCount());
    }

    @Test
    void credentialsCloseToTheirExpiryAreAskedForAgainByTheCaller() {
        // The SDK takes credentials with less than a minute left as stale (no refresh thread: asked for when used).
        sts.credentialLifetime(Duration.ofSeconds(30));
        try {
            AwsCredentialsProvider p = clients().credentials(monitor("db1",
                    new AssumeRole(ROLE + "blip-short", "", "blip-short")));
            int before = sts.callCount();
            String first = p.resolveCredentials().accessKeyId();
            String second = p.resolveCredentials().accessKeyId();
            assertEquals(before + 2, sts.callCount());
            assertNotEquals(first, second);
        } finally {
            sts.credentialLifetime(Duration.ofHours(1));
        }
    }

    @Test
    void aPluginsCredentialsAreTheBaseOfTheRole() {
        AwsCredentialsFactory vault = new AwsCredentialsFactory() {
            @Override
            public String name() {
                return "vault";
            }

            @Override
            public Optional<AwsCredentialsProvider> credentials(MonitorConfig monitor, Optional<String> region) {
                return Optional.of(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAPLUGIN0000",
                        "plugin-secret")));
            }
        };
        PluginServices services = new PluginServices() {
            @Override
            public <S> List<S> load(Class<S> service) {
                return service == AwsCredentialsFactory.class ? List.of(service.cast(vault)) : List.of();
            }
        };
        new AwsClients(US_EAST_1, services).credentials(monitor("db1",
                new AssumeRole(ROLE + "blip-plugin-base", "", "blip-plugin-base"))).resolveCredentials();
        assertEquals("AKIAPLUGIN0000", sts.lastCall().orElseThrow().callerKeyId());
    }

    @Test
    void withoutARoleTheBaseCredentialsAreUsedAndStsIsNotAsked() {
        int before = sts.callCount();
        AwsCredentials c = clients().credentials(monitor("db1", NO_ROLE)).resolveCredentials();
        assertEquals(BASE_KEY, c.accessKeyId());
        assertEquals(before, sts.callCount());
    }

    @Test
    void accessDeniedNamesTheRoleAndWhatToAllow() {
        sts.failAlways(FakeSts.Fault.ACCESS_DENIED);
        String arn = ROLE + "blip-denied";
        AwsCredentialsProvider p = clients().credentials(monitor("db1", new AssumeRole(arn, "", "blip-denied")));
        int before = sts.callCount();
        BlipException e = assertThrows(AssumeRoleException.class, p::resolveCredentials);
        assertEquals("aws.assume-role: cannot assume role " + arn + ": access denied (AccessDenied: User: "
                + "arn:aws:iam::123456789012:user/" + BASE_KEY + " is not authorized to perform: sts:AssumeRole on "
                + "resource: " + arn + "); the base AWS credentials need sts:AssumeRole on the role, and the role's "
                + "trust policy must allow them (and set aws.assume-role.external-id if the trust policy requires an "
                + "external id)", e.getMessage());
        assertEquals(before + 1, sts.callCount(), "not retried");
    }

    @Test
    void accessDeniedWhileReadingASecretSaysItIsTheRole() {
        sts.failAlways(FakeSts.Fault.ACCESS_DENIED);
        String arn = ROLE + "blip-denied-secret";
        CredentialSource source = secretSource(new AssumeRole(arn, "ext-1", "blip-denied-secret"));
        int before = secrets.callCount();
        BlipException e = assertThrows(BlipException.class, () -> source.credentials(CredentialReason.CONNECT));
        assertEquals("Secrets Manager secret " + SECRET + ": aws.assume-role: cannot assume role " + arn + ": access "
                + "denied (AccessDenied: User: arn:aws:iam::123456789012:user/" + BASE_KEY + " is not authorized to "
                + "perform: sts:AssumeRole on resource: " + arn + "); the base AWS credentials need sts:AssumeRole on "
                + "the role, and the role's trust policy must allow them with this external id", e.getMessage());
        assertEquals(before, secrets.callCount(), "Secrets Manager is not called without credentials");
    }

    @Test
    void aStalledStsIsGivenUpAfterTwoSeconds() {
        sts.failAlways(FakeSts.Fault.STALL);
        String arn = ROLE + "blip-stalled";
        AwsCredentialsProvider p = clients().credentials(monitor("db1", new AssumeRole(arn, "", "blip-stalled")));
        long start = System.nanoTime();
        BlipException e = assertThrows(AssumeRoleException.class, p::resolveCredentials);
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals("aws.assume-role: cannot assume role " + arn + ": STS did not answer AssumeRole within 2 s "
                + "(retry included)", e.getMessage());
        assertTrue(took >= 1_900 && took < 3_000, "about 2 s, not " + took + " ms");
    }

    @Test
    void aStalledStsBoundsTheSecretRead() {
        sts.failAlways(FakeSts.Fault.STALL);
        String arn = ROLE + "blip-stalled-secret";
        CredentialSource source = secretSource(new AssumeRole(arn, "", "blip-stalled-secret"));
        long start = System.nanoTime();
        BlipException e = assertThrows(BlipException.class, () -> source.credentials(CredentialReason.CONNECT));
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals("Secrets Manager secret " + SECRET + ": aws.assume-role: cannot assume role " + arn + ": STS did "
                + "not answer AssumeRole within 2 s (retry included)", e.getMessage());
        assertTrue(took >= 1_900 && took < 3_000, "about 2 s, not " + took + " ms");
    }

    static CredentialSource secretSource(AssumeRole role) {
        return new SecretSourceFactory().make(CredentialContext.of(monitor("db1", role), US_EAST_1,
                PluginServices.NONE, Time.system()));
    }
}
