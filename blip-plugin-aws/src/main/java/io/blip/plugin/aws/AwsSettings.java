package io.blip.plugin.aws;

import static io.blip.plugin.aws.AwsSection.ASSUME_ROLE;
import static io.blip.plugin.aws.AwsSection.DISABLE_AUTO_REGION;
import static io.blip.plugin.aws.AwsSection.EXTERNAL_ID;
import static io.blip.plugin.aws.AwsSection.IAM_AUTH;
import static io.blip.plugin.aws.AwsSection.IMDS_DISABLED;
import static io.blip.plugin.aws.AwsSection.IMDS_ENDPOINT;
import static io.blip.plugin.aws.AwsSection.IMDS_ENDPOINT_MODE;
import static io.blip.plugin.aws.AwsSection.PASSWORD_SECRET;
import static io.blip.plugin.aws.AwsSection.REGION;
import static io.blip.plugin.aws.AwsSection.ROLE_ARN;
import static io.blip.plugin.aws.AwsSection.SESSION_NAME;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;
import java.util.Locale;
import java.util.Optional;

/**
 * A monitor's {@code aws} section as the plugin's providers use it, read from the view the
 * runtime checked against {@link AwsSection} (defaults applied there).
 *
 * @param region            the region as written; empty or {@code auto}: detect it ({@link #autoRegion})
 * @param iamAuth           the password is an RDS IAM auth token
 * @param passwordSecret    the Secrets Manager secret that holds the password, when the key is given
 *                          (blank when it was given blank, which the credential source reports)
 * @param disableAutoRegion never ask EC2 instance metadata for the region
 * @param assumeRole        the role every AWS call of the monitor is made as, its session name filled in
 * @param imds              the EC2 instance metadata settings, from the environment
 */
public record AwsSettings(String region, boolean iamAuth, Optional<String> passwordSecret, boolean disableAutoRegion,
                          Optional<AssumeRole> assumeRole, Imds imds) {

    public static AwsSettings of(MonitorConfig monitor) {
        Options aws = monitor.section(AwsSection.NAME);
        return new AwsSettings(aws.string(REGION), aws.bool(IAM_AUTH),
                aws.isSet(PASSWORD_SECRET) ? Optional.of(aws.string(PASSWORD_SECRET)) : Optional.empty(),
                aws.bool(DISABLE_AUTO_REGION), AssumeRole.of(aws.section(ASSUME_ROLE), monitor.id()),
                new Imds(aws.bool(IMDS_DISABLED), aws.string(IMDS_ENDPOINT), aws.string(IMDS_ENDPOINT_MODE)));
    }

    /** Whether the region is left to detection: {@code region} is empty or {@code auto}. */
    public boolean autoRegion() {
        return region.isBlank() || region.trim().toLowerCase(Locale.ROOT).equals(AwsSection.AUTO);
    }

    /**
     * {@code aws.assume-role}: the monitor's AWS calls are made with the credentials of this IAM
     * role, which STS hands out ({@code AssumeRole}) to the base credentials (a plugin's, else the
     * AWS SDK's default chain).
     *
     * @param roleArn     the role, {@code arn:<partition>:iam::<account>:role/<name>}
     * @param externalId  the {@code ExternalId} the role's trust policy asks for, or empty
     * @param sessionName the {@code RoleSessionName} (in CloudTrail)
     */
    public record AssumeRole(String roleArn, String externalId, String sessionName) {

        /** The role of a checked {@code assume-role} section; none without a role ARN. */
        static Optional<AssumeRole> of(Options role, String monitorId) {
            if (role.string(ROLE_ARN).isEmpty()) {
                return Optional.empty();
            }
            String session = role.string(SESSION_NAME);
            return Optional.of(new AssumeRole(role.string(ROLE_ARN), role.string(EXTERNAL_ID),
                    session.isEmpty() ? defaultSessionName(monitorId) : session));
        }

        /**
         * {@code blip-<monitor id>}, with every character STS does not allow in a session name
         * (anything but letters, digits and {@code +=,.@_-}) made a {@code -}, cut to 64 characters.
         */
        public static String defaultSessionName(String monitorId) {
            String name = ("blip-" + (monitorId == null ? "" : monitorId)).replaceAll("[^\\w+=,.@-]", "-");
            return name.length() > AwsSection.MAX_SESSION_NAME ? name.substring(0, AwsSection.MAX_SESSION_NAME) : name;
        }
    }

    /**
     * The AWS SDK's EC2 instance metadata settings.
     *
     * @param disabled     {@code AWS_EC2_METADATA_DISABLED}: no request at all
     * @param endpoint     {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}; empty: the one {@code endpointMode} names
     * @param endpointMode {@code AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE}: {@code IPv4} or {@code IPv6}, any case
     */
    public record Imds(boolean disabled, String endpoint, String endpointMode) {
        static final String IPV4_ENDPOINT = "http://169.254.169.254";
        static final String IPV6_ENDPOINT = "http://[fd00:ec2::254]";

        /** The endpoint to ask, as the AWS SDK resolves it. */
        public String url() {
            if (!endpoint.isBlank()) {
                return endpoint.trim();
            }
            return endpointMode.equalsIgnoreCase("IPv6") ? IPV6_ENDPOINT : IPV4_ENDPOINT;
        }
    }
}
