package io.blip.plugin.aws.spi;

import io.blip.api.config.MonitorConfig;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Supplies the AWS credentials Blip uses for a monitor, in place of the AWS SDK's default chain
 * (Blip's {@code AWSConfigFactory}). Provided by a plugin whose module requires
 * {@code io.blip.plugin.aws}; put its jars (without this plugin's or the SDK's) in a directory of
 * its own under {@code plugins/}. The first factory that answers wins.
 */
public interface AwsCredentialsFactory {
    /** The factory name, for debug lines. */
    String name();

    /**
     * The credentials for the monitor's AWS calls (RDS IAM tokens, Secrets Manager, RDS,
     * CloudWatch), or empty to let the next factory, then the SDK's default chain, decide. When the
     * monitor has {@code aws.assume-role}, these are the base credentials STS is asked with.
     *
     * @param region the region the calls go to, if one was found
     */
    Optional<AwsCredentialsProvider> credentials(MonitorConfig monitor, Optional<String> region);
}
