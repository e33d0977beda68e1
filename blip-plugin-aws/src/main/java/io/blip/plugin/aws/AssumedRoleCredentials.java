package io.blip.plugin.aws;

import io.blip.plugin.aws.AwsSettings.AssumeRole;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The credentials of {@code aws.assume-role}'s IAM role, which STS {@code AssumeRole} hands out to
 * the base credentials. The SDK's {@link StsAssumeRoleCredentialsProvider} keeps them and asks STS
 * again shortly before they expire, in the calling thread (no refresh thread of its own). The STS
 * client is built on first use, not here: building it may ask EC2 instance metadata for the region.
 * A failure is an {@link AssumeRoleException} that names the role.
 */
final class AssumedRoleCredentials implements AwsCredentialsProvider {
    private final AssumeRole role;
    private final Duration callTimeout;
    private final Supplier<StsClient> sts;
    private StsAssumeRoleCredentialsProvider provider;

    /**
     * @param role        the role, its session name filled in
     * @param sts         builds the STS client, which signs with the base credentials
     * @param callTimeout the STS client's limit for one AssumeRole call, retry included
     */
    AssumedRoleCredentials(AssumeRole role, Duration callTimeout, Supplier<StsClient> sts) {
        this.role = role;
        this.callTimeout = callTimeout;
        this.sts = sts;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        try {
            return provider().resolveCredentials();
        } catch (SdkException e) {
            throw new AssumeRoleException(describe(e), e);
        }
    }

    private synchronized StsAssumeRoleCredentialsProvider provider() {
        if (provider == null) {
            provider = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts.get())
                    .asyncCredentialUpdateEnabled(false)
                    .refreshRequest(r -> r
                            .roleArn(role.roleArn())
                            .roleSessionName(role.sessionName())
                            .externalId(role.externalId().isEmpty() ? null : role.externalId()))
                    .build();
        }
        return provider;
    }

    private String describe(SdkException e) {
        String prefix = "aws.assume-role: cannot assume role " + role.roleArn() + ": ";
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return prefix + "STS did not answer AssumeRole within " + seconds(callTimeout) + " (retry included)";
        }
        if (e instanceof AwsServiceException s) {
            return prefix + service(s);
        }
        IOException io = ioCause(e);
        if (io != null) {
            return prefix + "cannot reach STS (" + io.getClass().getSimpleName()
                    + (io.getMessage() == null ? "" : ": " + io.getMessage()) + ")";
        }
        return prefix + "AssumeRole failed: " + e.getMessage();
    }

    private String service(AwsServiceException s) {
        AwsErrorDetails d = s.awsErrorDetails();
        String code = d == null || d.errorCode() == null ? "HTTP " + s.statusCode() : d.errorCode();
        String said = d == null || d.errorMessage() == null || d.errorMessage().isBlank() ? code
                : code + ": " + d.errorMessage();
        if (code.startsWith("AccessDenied")) {
            return "access denied (" + said + "); the base AWS credentials need sts:AssumeRole on the role, and the "
                    + "role's trust policy must allow them" + (role.externalId().isEmpty()
                    ? " (and set aws.assume-role.external-id if the trust policy requires an external id)"
                    : " with this external id");
        }
        return "STS AssumeRole failed (" + said + ", HTTP " + s.statusCode() + ")";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "AssumedRoleCredentials[" + role.roleArn() + "]";
    }
}
