package io.blip.plugin.aws;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/**
 * The SDK's default credential chain, with one change: its web-identity step
 * ({@code AWS_WEB_IDENTITY_TOKEN_FILE} and {@code AWS_ROLE_ARN}, EKS's IRSA) asks STS in the region
 * of Blip's region chain. The SDK's own step builds its STS client with the SDK's region chain
 * alone; without {@code AWS_REGION} (or a profile's region) it asks the global
 * {@code https://sts.amazonaws.com} in us-east-1 whatever {@code AWS_ENDPOINT_URL_STS} says, which a
 * VPC with only a regional STS endpoint cannot reach and GovCloud and China do not have, though Blip
 * knows the region from {@code aws.region}, the RDS hostname or EC2 instance metadata. Without web
 * identity, or without a region, this is the SDK's chain as it is. The rest of the chain is the
 * SDK's, in its order: profiles with {@code credential_process}, {@code role_arn}, keys, or AWS IAM
 * Identity Center's {@code sso_start_url} or {@code sso_session} (the SDK's {@code sso} and
 * {@code ssooidc} modules, which plugins/aws/ ships, find them by name); the container and
 * instance-metadata endpoints.
 */
final class DefaultChain {
    private DefaultChain() {
    }

    /** The chain for a monitor in the region, if one is known. */
    static AwsCredentialsProvider of(Optional<String> region, Duration stsCallTimeout) {
        Optional<WebIdentity> web = WebIdentity.fromSettings();
        if (region.isEmpty() || web.isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        AwsCredentialsProvider webIdentity = WEB_IDENTITIES.get(new Key(web.get(), region.get()),
                () -> new LazyWebIdentity(web.get(), () -> AwsClients.configure(StsClient.builder(), region,
                        AnonymousCredentialsProvider.create(), stsCallTimeout)));
        return AwsCredentialsProviderChain.builder()
                .reuseLastProviderEnabled(true)
                .credentialsProviders(
                        SystemPropertyCredentialsProvider.create(),
                        EnvironmentVariableCredentialsProvider.create(),
                        webIdentity,
                        ProfileCredentialsProvider.create(),
                        ContainerCredentialsProvider.builder().build(),
                        InstanceProfileCredentialsProvider.builder().build())
                .build();
    }

    /** The web-identity settings, as the SDK reads them: system properties first, then the environment. */
    record WebIdentity(Path tokenFile, String roleArn, String sessionName) {
        static Optional<WebIdentity> fromSettings() {
            Optional<String> file = SdkSystemSetting.AWS_WEB_IDENTITY_TOKEN_FILE.getStringValue();
            Optional<String> role = SdkSystemSetting.AWS_ROLE_ARN.getStringValue();
            if (file.isEmpty() || role.isEmpty() || file.get().isBlank() || role.get().isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new WebIdentity(Path.of(file.get().strip()), role.get().strip(),
                    SdkSystemSetting.AWS_ROLE_SESSION_NAME.getStringValue().orElse("")));
        }
    }

    private record Key(WebIdentity web, String region) {
    }

    /** One web-identity provider per role and region in the process. */
    private static final SharedProviders<Key> WEB_IDENTITIES = new SharedProviders<>(64);

    /**
     * The SDK's web-identity provider on an STS client of Blip's, built on first use: a chain is
     * made for every client, and most find their credentials before this step.
     */
    private static final class LazyWebIdentity implements AwsCredentialsProvider {
        private final WebIdentity web;
        private final Supplier<StsClient> sts;
        private StsWebIdentityTokenFileCredentialsProvider provider;

        LazyWebIdentity(WebIdentity web, Supplier<StsClient> sts) {
            this.web = web;
            this.sts = sts;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return provider().resolveCredentials();
        }

        private synchronized StsWebIdentityTokenFileCredentialsProvider provider() {
            if (provider == null) {
                var builder = StsWebIdentityTokenFileCredentialsProvider.builder()
                        .stsClient(sts.get())
                        .asyncCredentialUpdateEnabled(false)
                        .webIdentityTokenFile(web.tokenFile())
                        .roleArn(web.roleArn());
                if (!web.sessionName().isBlank()) {
                    builder.roleSessionName(web.sessionName());
                }
                provider = builder.build();
            }
            return provider;
        }

        /** Names the step in the chain's message when every step fails; never the token. */
        @Override
        public String toString() {
            return "WebIdentityTokenFileCredentialsProvider(roleArn=" + web.roleArn() + ", tokenFile="
                    + web.tokenFile() + ")";
        }
    }
}
