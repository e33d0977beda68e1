package io.blip.plugin.aws.contract;

import io.blip.api.Secret;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import io.blip.api.plugin.PluginServices;
import io.blip.api.time.Time;
import io.blip.kit.CollectorContract;
import io.blip.kit.CredentialSourceContract;
import io.blip.plugin.aws.AwsSection;
import io.blip.plugin.aws.TestMonitors;
import io.blip.plugin.aws.cloudwatch.AwsRdsFactory;
import io.blip.plugin.aws.secret.SecretSourceFactory;
import io.blip.testkit.aws.FakeSecretsManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The AWS plugin's domain and credential source pass the plugin kit's contracts, as a third party's would. */
class AwsContractTest {

    @Nested
    class CloudWatch extends CollectorContract {
        @Override
        protected List<CollectorFactory> factories() {
            return List.of(new AwsRdsFactory());
        }

        @Override
        protected boolean readsMysql() {
            return false;
        }

        @Override
        protected boolean lowercaseMetrics() {
            return false; // CloudWatch's names, as AWS spells them
        }
    }

    /** Secrets Manager through a loopback fake that speaks its protocol, with static test credentials. */
    @Nested
    class SecretsManager extends CredentialSourceContract {
        static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:blip-contract-AbCdEf";
        static FakeSecretsManager fake;
        static final Map<String, String> saved = new HashMap<>();
        static volatile String password = "first-pw";

        @BeforeAll
        static void startFake() {
            fake = FakeSecretsManager.start();
            fake.put(ARN, "{\"password\": \"" + password + "\"}");
            Map<String, String> props = Map.of("aws.accessKeyId", "AKIDBLIPTEST",
                    "aws.secretAccessKey", "blip-test-secret-key",
                    "aws.endpointUrlSecretsManager", fake.endpoint().toString());
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

        @Override
        protected CredentialSourceFactory factory() {
            return new SecretSourceFactory();
        }

        @Override
        protected MonitorConfig monitor() {
            return MonitorConfig.of("db1").withSection(AwsSection.NAME,
                    TestMonitors.aws(Map.of(AwsSection.PASSWORD_SECRET, ARN)));
        }

        @Override
        protected CredentialContext context(MonitorConfig monitor) {
            return CredentialContext.of(monitor, m -> Optional.of("us-east-1"), PluginServices.NONE,
                    Time.system());
        }

        @Override
        protected Credentials expected() {
            return Credentials.of("blip", Secret.of(password));
        }

        @Override
        protected void rotate() {
            password = password + "-rotated";
            fake.put(ARN, "{\"password\": \"" + password + "\"}");
        }
    }
}
