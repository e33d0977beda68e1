package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Signal;
import io.blip.testkit.aws.FakeSecretsManager;
import io.blip.testkit.aws.FakeSso;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/blip} with an AWS IAM Identity Center (SSO) profile, as {@code aws sso login} leaves it
 * ({@code [sso-session]} in the config file, the access token in {@code $HOME/.aws/sso/cache/}): the
 * SDK finds its {@code sso} and {@code ssooidc} modules in {@code plugins/aws/}'s layer, trades the
 * token at the fake portal ({@code AWS_ENDPOINT_URL_SSO}) and Blip reads the password from Secrets
 * Manager with the role credentials it got. The token is in none of its output, debug logging
 * included.
 */
class SsoProfileEndToEndTest {
    private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:blip-sso-AbCdEf";
    private static final String TOKEN = "aoaAAAAAGdist-sso-access-token-42";

    private static EmbeddedMariaDb db;
    private static FakeSecretsManager secrets;
    private static FakeSso sso;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        db = EmbeddedMariaDb.shared();
        secrets = FakeSecretsManager.start();
        sso = FakeSso.start().accept(TOKEN);
    }

    @AfterAll
    static void stop() {
        secrets.close();
        sso.close();
    }

    @Test
    void anSsoSessionProfileSignsTheAwsCalls() throws Exception {
        db.createUser("blip_sso", "sso-pw", "SELECT, PROCESS ON *.*");
        secrets.put(ARN, "{\"password\": \"sso-pw\"}");
        Path home = Files.createDirectories(work.resolve("home"));
        FakeSso.cacheToken(home, "corp", "https://blip-e2e.awsapps.com/start", "us-east-1", TOKEN,
                Instant.parse("2099-01-01T00:00:00Z"));
        Path awsConfig = Files.writeString(work.resolve("aws-config"), """
                [profile blip-sso]
                sso_session = corp
                sso_account_id = 123456789012
                sso_role_name = BlipReader
                [sso-session corp]
                sso_start_url = https://blip-e2e.awsapps.com/start
                sso_region = us-east-1
                sso_registration_scopes = sso:account:access
                """);
        Path plan = Files.writeString(work.resolve("plan.yaml"), """
                every-second:
                  freq: 1s
                  collect:
                    status.global:
                      metrics: [queries]
                """);
        Path config = Files.writeString(work.resolve("blip.yaml"), """
                api: {bind: "127.0.0.1:0"}
                plans:
                  files: [%s]
                monitors:
                  - id: sso-creds
                    hostname: %s
                    username: blip_sso
                    aws:
                      password-secret: %s
                      region: us-east-1
                      disable-auto-tls: true
                """.formatted(plan, db.hostPort(), ARN));

        // With --log and --debug: the token is in no log line either.
        ProcessBuilder pb = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config", config.toString(),
                "--log", "--debug").directory(work.toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("JAVA_OPTS");
        Dist.awsTestEnv(env, work, "unused", "unused");
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        env.put("HOME", home.toString());
        env.put("AWS_CONFIG_FILE", awsConfig.toString());
        env.put("AWS_PROFILE", "blip-sso");
        env.put("AWS_ENDPOINT_URL_SSO", sso.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString());
        Process blip = pb.start();
        Signal said = new Signal();
        OutputWatcher out = OutputWatcher.of("stdout", blip.getInputStream(), said);
        OutputWatcher err = OutputWatcher.of("stderr", blip.getErrorStream(), said);
        try {
            said.await(() -> out.text().contains("# monitor:  sso-creds") || out.ended(), Duration.ofSeconds(60),
                    () -> "a collection:\n" + out.text() + err.text());
            assertTrue(out.text().contains("# monitor:  sso-creds"), "a collection:\n" + out.text() + err.text());
            FakeSso.Call call = sso.lastCall().orElseThrow();
            assertEquals(TOKEN, call.bearerToken());
            assertEquals("BlipReader", call.roleName());
            assertEquals(call.issuedKeyId(), secrets.lastAccessKeyId().orElseThrow());
            assertFalse((out.text() + err.text()).contains(TOKEN), "the token is never printed:\n" + err.text());
        } finally {
            blip.destroy();
            blip.waitFor(10, TimeUnit.SECONDS);
            blip.destroyForcibly();
        }
    }
}
