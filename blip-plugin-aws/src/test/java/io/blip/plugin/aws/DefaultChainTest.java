package io.blip.plugin.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.TestMonitors.SystemProperties;
import io.blip.testkit.aws.FakeSecretsManager;
import io.blip.testkit.aws.FakeSts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Credentials from the SDK's default chain as {@link AwsClients} builds it, with nothing but what
 * a user would set: web identity (EKS's IRSA) against the fake STS in the region of Blip's region
 * chain with no {@code AWS_REGION}, and a profile's {@code credential_process} run for real (SSO
 * profiles, which need {@code HOME}, are {@link SsoProfileTest}'s). The system-property twins of the
 * environment variables ({@code aws.webIdentityTokenFile} for {@code AWS_WEB_IDENTITY_TOKEN_FILE},
 * {@code aws.roleArn}, {@code aws.configFile}, ...) stand in for them; each test has a config and a
 * credentials file of its own in a temp dir, so nothing is read from the home directory.
 */
class DefaultChainTest {
    static final String ROLE = "arn:aws:iam::" + FakeSts.ACCOUNT + ":role/";
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.fake-service-account-token.c2lnbmF0dXJl";
    static final String SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:blip-chain-AbCdEf";

    static FakeSts sts;
    static FakeSecretsManager secrets;
    static final SystemProperties fakes = new SystemProperties();
    final SystemProperties properties = new SystemProperties();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sts = FakeSts.start();
        secrets = FakeSecretsManager.start();
        secrets.put(SECRET, "{\"password\": \"from-the-chain\"}");
        fakes.set("aws.endpointUrlSts", sts.endpoint().toString())
                .set("aws.endpointUrlSecretsManager", secrets.endpoint().toString());
    }

    @AfterAll
    static void stop() {
        fakes.close();
        sts.close();
        secrets.close();
    }

    /** No keys, no region and no instance metadata from the settings; empty profile files. */
    @BeforeEach
    void isolate() throws IOException {
        properties.set("aws.accessKeyId", null)
                .set("aws.secretAccessKey", null)
                .set("aws.sessionToken", null)
                .set("aws.region", null)
                .set("aws.profile", null)
                .set("aws.webIdentityTokenFile", null)
                .set("aws.roleArn", null)
                .set("aws.roleSessionName", null)
                .set("aws.disableEc2Metadata", "true")
                .set("aws.configFile", Files.writeString(dir.resolve("config"), "").toString())
                .set("aws.sharedCredentialsFile", Files.writeString(dir.resolve("credentials"), "").toString());
    }

    @AfterEach
    void restore() {
        properties.close();
        sts.heal();
    }

    static AwsClients clients(String region) {
        RegionLookup regions = m -> Optional.of(region);
        return new AwsClients(regions, PluginServices.NONE);
    }

    static MonitorConfig monitor(Map<String, Object> aws) {
        return TestMonitors.monitor("db1", "db.example.com", "", TestMonitors.aws(aws), TlsConfig.EMPTY);
    }

    void webIdentity(String role, String session) throws IOException {
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        properties.set("aws.webIdentityTokenFile", token.toString())
                .set("aws.roleArn", ROLE + role)
                .set("aws.roleSessionName", session);
    }

    @Test
    void webIdentityAsksStsInTheRegionOfBlipsChainWithoutAwsRegion() throws IOException {
        assumeTrue(System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null,
                "AWS_REGION is set in this environment");
        webIdentity("blip-irsa", "blip-pod");

        AwsCredentials c = clients("eu-west-1").credentials(monitor(Map.of())).resolveCredentials();

        FakeSts.Call call = sts.lastCall().orElseThrow();
        assertEquals(new FakeSts.Call("AssumeRoleWithWebIdentity", ROLE + "blip-irsa", "blip-pod", null, null, null,
                call.issuedKeyId()), call, "unsigned, with the token in its place");
        assertEquals(TOKEN, sts.webIdentityTokens().getLast(), "the token file's content");
        AwsSessionCredentials session = assertInstanceOf(AwsSessionCredentials.class, c);
        assertEquals(call.issuedKeyId(), session.accessKeyId());
        assertEquals(FakeSts.secretKeyOf(call.issuedKeyId()), session.secretAccessKey());
    }

    @Test
    void withoutAwsRegionTheSdksOwnWebIdentityStepGoesToTheGlobalEndpoint() throws IOException {
        assumeTrue(System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null,
                "AWS_REGION is set in this environment");
        webIdentity("blip-sdk-alone", "blip-sdk-alone");
        int before = sts.callCount();

        // Why DefaultChain exists: without a region of the SDK's own, its step asks https://sts.amazonaws.com
        // in us-east-1 whatever AWS_ENDPOINT_URL_STS says (no way out of a VPC with only a regional STS
        // endpoint, nor in GovCloud or China). If the fake is asked here one day, DefaultChain can go.
        assertThrows(SdkClientException.class, () -> DefaultCredentialsProvider.builder().build().resolveCredentials());
        assertEquals(before, sts.callCount());
    }

    @Test
    void webIdentityCredentialsSignTheNextCallAndAreShared() throws IOException {
        webIdentity("blip-irsa-secrets", "blip-irsa-secrets");
        int before = sts.callCount();
        MonitorConfig m = monitor(Map.of(AwsSection.PASSWORD_SECRET, SECRET));
        try (SecretsManagerClient first = clients("eu-west-1").build(SecretsManagerClient.builder(), m,
                Duration.ofSeconds(2));
             SecretsManagerClient second = clients("eu-west-1").build(SecretsManagerClient.builder(), m,
                     Duration.ofSeconds(2))) {
            first.getSecretValue(b -> b.secretId(SECRET));
            String issued = sts.lastCall().orElseThrow().issuedKeyId();
            assertEquals(Optional.of(issued), secrets.lastAccessKeyId());
            second.getSecretValue(b -> b.secretId(SECRET));
            assertEquals(Optional.of(issued), secrets.lastAccessKeyId());
        }
        assertEquals(before + 1, sts.callCount(), "one web identity exchange for both clients");
    }

    @Test
    void aRoleIsAssumedWithTheWebIdentitysCredentials() throws IOException {
        webIdentity("blip-irsa-base", "blip-irsa-base");
        var assume = new LinkedHashMap<String, String>();
        assume.put(AwsSection.ROLE_ARN, ROLE + "blip-after-irsa");
        assume.put(AwsSection.SESSION_NAME, "blip-after-irsa");

        clients("eu-west-1").credentials(monitor(Map.of(AwsSection.ASSUME_ROLE, assume))).resolveCredentials();

        List<FakeSts.Call> calls = sts.calls();
        FakeSts.Call web = calls.get(calls.size() - 2);
        FakeSts.Call role = calls.getLast();
        assertEquals("AssumeRoleWithWebIdentity", web.action());
        assertEquals("AssumeRole", role.action());
        assertEquals(web.issuedKeyId(), role.callerKeyId());
        assertEquals("eu-west-1", role.region());
    }

    @Test
    void aRefusedTokenNeverAppearsInTheError() throws IOException {
        webIdentity("blip-irsa-refused", "blip-irsa-refused");
        sts.failAlways(FakeSts.Fault.ACCESS_DENIED);

        var e = assertThrows(SdkClientException.class,
                () -> clients("eu-west-1").credentials(monitor(Map.of())).resolveCredentials());

        String said = e.getMessage();
        assertTrue(said.contains("WebIdentityTokenFileCredentialsProvider(roleArn=" + ROLE + "blip-irsa-refused"), said);
        assertTrue(said.contains("AccessDenied") || said.contains("not authorized"), said);
        assertFalse(said.contains(TOKEN), "the token is not in the message");
        assertFalse(said.contains("fake-service-account-token"), said);
    }

    @Test
    void credentialProcessOfAProfileSignsTheCall() throws IOException {
        Path script = dir.resolve("creds.sh");
        Files.writeString(script, """
                #!/bin/sh
                cat <<'JSON'
                {"Version": 1, "AccessKeyId": "AKIAPROCESS000001", "SecretAccessKey": "process-secret-key",
                 "SessionToken": "process-session-token", "Expiration": "2099-01-01T00:00:00Z"}
                JSON
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("config"), """
                [profile blip]
                credential_process = %s
                """.formatted(script));
        properties.set("aws.profile", "blip");
        MonitorConfig m = monitor(Map.of(AwsSection.PASSWORD_SECRET, SECRET));

        AwsCredentials c = clients("eu-west-1").credentials(m).resolveCredentials();
        assertEquals("AKIAPROCESS000001", c.accessKeyId());
        assertEquals("process-session-token", assertInstanceOf(AwsSessionCredentials.class, c).sessionToken());
        try (SecretsManagerClient client = clients("eu-west-1").build(SecretsManagerClient.builder(), m,
                Duration.ofSeconds(2))) {
            client.getSecretValue(b -> b.secretId(SECRET));
        }
        assertEquals(Optional.of("AKIAPROCESS000001"), secrets.lastAccessKeyId());
    }

    @Test
    void aFailingCredentialProcessSaysSoWithoutItsOutput() throws IOException {
        Path script = dir.resolve("fails.sh");
        Files.writeString(script, """
                #!/bin/sh
                echo '{"Version": 1, "AccessKeyId": "AKIAHALFWAY", "SecretAccessKey": "half-printed-secret"'
                exit 3
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("config"), "[default]\ncredential_process = " + script + "\n");

        var e = assertThrows(SdkClientException.class,
                () -> clients("eu-west-1").credentials(monitor(Map.of())).resolveCredentials());

        assertTrue(e.getMessage().contains("ProfileCredentialsProvider(profileName=default")
                && e.getMessage().contains("Failed to refresh process-based credentials"), e.getMessage());
        assertFalse(e.getMessage().contains("half-printed-secret"), e.getMessage());
    }
}
