package io.blip.api.config;

/**
 * Blip's {@code aws} section.
 *
 * @param region            {@code auto}, a region name, or empty
 * @param iamAuth           use an RDS IAM auth token as the password
 * @param passwordSecret    a Secrets Manager secret (ARN or name) whose JSON holds the password
 * @param disableAutoRegion do not ask EC2 instance metadata for the region
 * @param disableAutoTls    do not turn on TLS with the Amazon RDS CA automatically
 */
public record AwsConfig(String region, boolean iamAuth, String passwordSecret, boolean disableAutoRegion,
                        boolean disableAutoTls) {
    public static final AwsConfig EMPTY = new AwsConfig("", false, "", false, false);

    public AwsConfig {
        region = region == null ? "" : region;
        passwordSecret = passwordSecret == null ? "" : passwordSecret;
    }
}
