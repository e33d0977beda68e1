package io.blip.plugin.aws.secret;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.AwsClients;
import io.blip.plugin.aws.AwsSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The {@code aws-secret} credential source: the MySQL password from the Secrets Manager secret that
 * {@code aws.password-secret} names (Blip's precedence: after {@code aws.iam-auth}, before
 * {@code mysql.password-file}).
 *
 * <p>Each {@code GetSecretValue} call, retry included, ends within {@link #CALL_TIMEOUT} (see
 * {@link AwsClients#retry()}). The region is the one in the secret's ARN (a secret is reachable only there), else the
 * monitor's region.
 */
public final class SecretSourceFactory extends CredentialSourceFactory.Base {
    public static final String NAME = "aws-secret";
    public static final int PRECEDENCE = 500;
    /** The bound on one GetSecretValue call, its retry included. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    private static final Pattern ARN = Pattern.compile("arn:[^:]+:secretsmanager:([a-z0-9-]+):[^:]*:secret:.+");

    public SecretSourceFactory() {
        super(NAME, PRECEDENCE, m -> AwsSettings.of(m).passwordSecret().isPresent());
    }

    @Override
    public CredentialSource make(CredentialContext context) {
        MonitorConfig monitor = context.monitor();
        String secretId = AwsSettings.of(monitor).passwordSecret().orElse("");
        if (secretId.isBlank()) {
            // Reached only when mysql.credential-source names this source explicitly.
            throw new BlipException(monitor.origin() + ".aws.password-secret: the " + NAME + " credential source "
                    + "needs the ARN of the Secrets Manager secret that holds the password");
        }
        Optional<String> arnRegion = arnRegion(secretId);
        RegionLookup regions = m -> arnRegion.or(() -> context.regions().region(m));
        AwsClients clients = new AwsClients(regions, context.services());
        SecretReader reader = new SecretReader(secretId, CALL_TIMEOUT, () -> clients.build(
                SecretsManagerClient.builder(), monitor, CALL_TIMEOUT));
        return new SecretSource(monitor.id(), monitor.mysql().username(), secretId, reader, context.time());
    }

    /** The region of a Secrets Manager ARN ({@code arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME}). */
    static Optional<String> arnRegion(String secretId) {
        Matcher m = ARN.matcher(secretId);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

}
