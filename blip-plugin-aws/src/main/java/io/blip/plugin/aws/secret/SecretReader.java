package io.blip.plugin.aws.secret;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.plugin.aws.AssumeRoleException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Reads one secret's {@code AWSCURRENT} value with {@code GetSecretValue} and takes the password out
 * of it. The client is built on the first read (so making a source does no I/O) and kept.
 */
final class SecretReader {
    /** The stage Blip reads: the version rotation has finished with. */
    static final String STAGE = "AWSCURRENT";

    /** A password and the secret version it came from (a VersionId is not secret). */
    record Value(Secret password, String versionId) {
    }

    private final String secretId;
    private final Duration callTimeout;
    private final Supplier<SecretsManagerClient> clientFactory;
    private SecretsManagerClient client;

    SecretReader(String secretId, Duration callTimeout, Supplier<SecretsManagerClient> clientFactory) {
        this.secretId = secretId;
        this.callTimeout = callTimeout;
        this.clientFactory = clientFactory;
    }

    /** The secret's current password; a {@link BlipException} naming the secret and the problem if none. */
    synchronized Value read() {
        GetSecretValueResponse answer;
        try {
            if (client == null) {
                client = clientFactory.get();
            }
            answer = client.getSecretValue(b -> b.secretId(secretId).versionStage(STAGE));
        } catch (AssumeRoleException e) {
            throw new BlipException(SecretValue.prefix(secretId) + e.getMessage(), e);
        } catch (SdkException e) {
            throw describe(e);
        }
        if (answer.secretString() == null) {
            throw SecretValue.problem(secretId, answer.secretBinary() != null
                    ? "the secret holds binary data (SecretBinary), not a string; store the JSON object as the "
                    + "secret string (SecretString)"
                    : "the answer has no secret string (SecretString)");
        }
        return new Value(SecretValue.password(secretId, answer.secretString()), answer.versionId());
    }

    private BlipException describe(SdkException e) {
        String prefix = SecretValue.prefix(secretId);
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new BlipException(prefix + "Secrets Manager did not answer GetSecretValue within "
                    + seconds(callTimeout) + " (retry included)", e);
        }
        if (e instanceof AwsServiceException s) {
            return new BlipException(prefix + service(s), e);
        }
        if (e instanceof SdkClientException && isUnreadableAnswer(e)) {
            // The parse error may quote the answer, which holds the secret string: neither message nor cause.
            return new BlipException(prefix + "Secrets Manager's answer to GetSecretValue is not valid JSON "
                    + "(a proxy or a wrong endpoint in between?)");
        }
        IOException io = ioCause(e);
        if (io != null) {
            return new BlipException(prefix + "cannot reach Secrets Manager (" + io.getClass().getSimpleName()
                    + (io.getMessage() == null ? "" : ": " + io.getMessage()) + ")", e);
        }
        return new BlipException(prefix + "GetSecretValue failed: " + e.getMessage(), e);
    }

    private String service(AwsServiceException s) {
        AwsErrorDetails d = s.awsErrorDetails();
        String code = d == null || d.errorCode() == null ? "HTTP " + s.statusCode() : d.errorCode();
        String said = d == null || d.errorMessage() == null || d.errorMessage().isBlank() ? code
                : code + ": " + d.errorMessage();
        return switch (code) {
            case "AccessDeniedException" -> "access denied (" + said + "); the AWS credentials Blip uses need "
                    + "secretsmanager:GetSecretValue on this secret";
            case "ResourceNotFoundException" -> "not found in region " + region() + " (" + said
                    + "); check the ARN and the region";
            case "DecryptionFailure" -> "cannot be decrypted (" + said + "); the AWS credentials Blip uses need "
                    + "kms:Decrypt on the secret's KMS key";
            case "ThrottlingException" -> "Secrets Manager throttled GetSecretValue (" + said + ")";
            default -> "GetSecretValue failed (" + said + ", HTTP " + s.statusCode() + ")";
        };
    }

    /** Closes the client, if one was built. */
    synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private String region() {
        try {
            return String.valueOf(client.serviceClientConfiguration().region());
        } catch (RuntimeException e) {
            return "(unknown)";
        }
    }

    /** A network failure; Jackson's parse errors are IOExceptions too, so check {@link #isUnreadableAnswer} first. */
    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    /** The SDK could not unmarshal the answer: its message and cause may quote the answer's body. */
    private static boolean isUnreadableAnswer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (name.contains(".jackson.") || message.startsWith("Unable to unmarshall")
                    || message.startsWith("Unable to parse")) {
                return true;
            }
        }
        return false;
    }
}
