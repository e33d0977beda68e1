package io.blip.plugin.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.aws.FakeSecretsManager;
import io.blip.testkit.aws.FakeSso;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AWS IAM Identity Center (SSO) profiles, as {@code aws sso login} leaves them: a profile in
 * {@code AWS_CONFIG_FILE} with {@code sso_start_url}, or with {@code sso_session} and an
 * {@code [sso-session]} section, and the access token cached in
 * {@code ~/.aws/sso/cache/<sha1 of the start URL, or of the session name>.json}. The SDK's SSO
 * provider trades the token for role credentials at the portal ({@link FakeSso}, through
 * {@code AWS_ENDPOINT_URL_SSO}), and Blip's next call is signed with them. The SDK finds the cache
 * through {@code HOME}, which a running JVM cannot change, so each case runs {@link SsoProbe} in a
 * child JVM with a home of its own.
 */
class SsoProfileTest {
    static final String START_URL = "https://blip-test.awsapps.com/start";
    static final String ACCOUNT = "123456789012";
    static final String ROLE = "BlipReader";
    static final String TOKEN = "aoaAAAAAGfake-sso-access-token-7c1d";
    static final String SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:blip-sso-AbCdEf";

    static FakeSso sso;
    static FakeSecretsManager secrets;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        sso = FakeSso.start().accept(TOKEN);
        secrets = FakeSecretsManager.start();
        secrets.put(SECRET, "{\"password\": \"from-sso\"}");
    }

    @AfterAll
    static void stop() {
        sso.close();
        secrets.close();
    }

    void cacheToken(String key, String token, String expiresAt) throws IOException {
        FakeSso.cacheToken(home, key, START_URL, "eu-west-1", token, Instant.parse(expiresAt));
    }

    /** The probe's output, with no AWS setting of this machine's environment but the test's own. */
    String probe(String config) throws IOException, InterruptedException {
        Path configFile = Files.writeString(home.resolve("config"), config);
        Path credentials = Files.writeString(home.resolve("credentials"), "");
        return ChildJvm.run(SsoProbe.class, k -> k.startsWith("AWS_"), Map.of(
                "HOME", home.toString(),
                "AWS_CONFIG_FILE", configFile.toString(),
                "AWS_SHARED_CREDENTIALS_FILE", credentials.toString(),
                "AWS_PROFILE", "blip-sso",
                "AWS_EC2_METADATA_DISABLED", "true",
                "AWS_ENDPOINT_URL_SSO", sso.endpoint().toString(),
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString()), SECRET);
    }

    static final String LEGACY = """
            [profile blip-sso]
            sso_start_url = %s
            sso_region = eu-west-1
            sso_account_id = %s
            sso_role_name = %s
            """.formatted(START_URL, ACCOUNT, ROLE);

    static final String SESSION = """
            [profile blip-sso]
            sso_session = corp
            sso_account_id = %s
            sso_role_name = %s
            [sso-session corp]
            sso_start_url = %s
            sso_region = eu-west-1
            sso_registration_scopes = sso:account:access
            """.formatted(ACCOUNT, ROLE, START_URL);

    void assertSignedWithTheRoleCredentials(String out) {
        assertTrue(out.lines().anyMatch(l -> l.equals("secret={\"password\": \"from-sso\"}")), out);
        FakeSso.Call call = sso.lastCall().orElseThrow();
        assertEquals(new FakeSso.Call("GET", FakeSso.GET_ROLE_CREDENTIALS, ROLE, ACCOUNT, TOKEN, call.issuedKeyId()),
                call);
        assertEquals(Optional.of(call.issuedKeyId()), secrets.lastAccessKeyId(), "signed with the role credentials");
        assertFalse(out.contains(TOKEN), out);
    }

    @Test
    void anSsoProfileWithAStartUrlSignsTheCall() throws Exception {
        cacheToken(START_URL, TOKEN, "2099-01-01T00:00:00Z");

        assertSignedWithTheRoleCredentials(probe(LEGACY));
    }

    @Test
    void anSsoSessionProfileSignsTheCall() throws Exception {
        cacheToken("corp", TOKEN, "2099-01-01T00:00:00Z");

        assertSignedWithTheRoleCredentials(probe(SESSION));
    }

    @Test
    void aTokenThePortalRefusesNeverAppearsInTheError() throws Exception {
        String signedOut = "aoaAAAAAGsigned-out-token-0000";
        cacheToken(START_URL, signedOut, "2099-01-01T00:00:00Z");
        int before = sso.callCount();

        String out = probe(LEGACY);

        assertTrue(sso.callCount() > before, "the portal was asked");
        assertEquals(signedOut, sso.lastCall().orElseThrow().bearerToken());
        assertTrue(out.contains("error=") && out.contains("ProfileCredentialsProvider(profileName=blip-sso"), out);
        assertTrue(out.contains("Session token not found or invalid"), out);
        assertFalse(out.contains(signedOut), out);
    }

    @Test
    void anExpiredTokenSaysToSignInAgain() throws Exception {
        cacheToken(START_URL, "aoaAAAAAGexpired-token-1111", "2020-01-01T00:00:00Z");
        int before = sso.callCount();

        String out = probe(LEGACY);

        assertEquals(before, sso.callCount(), "an expired token is not sent");
        assertTrue(out.contains("error=") && out.contains("ProfileCredentialsProvider(profileName=blip-sso"), out);
        assertTrue(out.contains("The SSO session associated with this profile has expired or is otherwise invalid"),
                out);
        assertFalse(out.contains("expired-token-1111"), out);
    }
}
