package io.blip.plugin.aws;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Run in a child JVM by {@link SsoProfileTest}, whose environment names the profile, the config
 * file, the home directory with the SSO token cache and the endpoints: reads the secret
 * {@code args[0]} through {@link AwsClients} with the SDK's default chain, and prints it, or the
 * error.
 */
public final class SsoProbe {
    private SsoProbe() {
    }

    public static void main(String[] args) {
        String secret = args[0];
        RegionLookup regions = m -> Optional.of("eu-west-1");
        MonitorConfig monitor = TestMonitors.monitor("db1", "db.example.com", "",
                TestMonitors.aws(Map.of(AwsSection.PASSWORD_SECRET, secret)), TlsConfig.EMPTY);
        try (SecretsManagerClient client = new AwsClients(regions, PluginServices.NONE)
                .build(SecretsManagerClient.builder(), monitor, Duration.ofSeconds(10))) {
            System.out.println("secret=" + client.getSecretValue(b -> b.secretId(secret)).secretString());
        } catch (SdkException e) {
            System.out.println("error=" + e.getMessage().replace('\n', ' '));
        }
    }
}
