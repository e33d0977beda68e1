package io.blip.api.config;

/**
 * Blip's {@code aws} section.
 *
 * @param region            {@code auto}, a region name, or empty
 * @param iamAuth           use an RDS IAM auth token as the password
 * @param passwordSecret    a Secrets Manager secret (ARN or name) whose JSON holds the password
 * @param disableAutoRegion do not ask EC2 instance metadata for the region
 * @param disableAutoTls    do not turn on TLS with the Amazon RDS CA automatically
 * @param assumeRole        {@code aws.assume-role} (not in Blip): an IAM role every AWS call of the
 *                          monitor is made as; {@link AssumeRole#EMPTY} when none (null means none)
 */
public record AwsConfig(String region, boolean iamAuth, String passwordSecret, boolean disableAutoRegion,
                        boolean disableAutoTls, AssumeRole assumeRole) {
    public static final AwsConfig EMPTY = new AwsConfig("", false, "", false, false, AssumeRole.EMPTY);

    public AwsConfig {
        region = region == null ? "" : region;
        passwordSecret = passwordSecret == null ? "" : passwordSecret;
        assumeRole = assumeRole == null ? AssumeRole.EMPTY : assumeRole;
    }

    /** Blip's keys only: no role is assumed. */
    public AwsConfig(String region, boolean iamAuth, String passwordSecret, boolean disableAutoRegion,
                     boolean disableAutoTls) {
        this(region, iamAuth, passwordSecret, disableAutoRegion, disableAutoTls, AssumeRole.EMPTY);
    }

    /** The same section with another region. */
    public AwsConfig withRegion(String newRegion) {
        return new AwsConfig(newRegion, iamAuth, passwordSecret, disableAutoRegion, disableAutoTls, assumeRole);
    }

    /**
     * {@code aws.assume-role}: the monitor's AWS calls are made with the credentials of this IAM
     * role, which STS hands out ({@code AssumeRole}) to the base credentials (a plugin's, else the
     * AWS SDK's default chain).
     *
     * @param roleArn     the role, {@code arn:<partition>:iam::<account>:role/<name>}; empty: none
     * @param externalId  the {@code ExternalId} the role's trust policy asks for, or empty
     * @param sessionName the {@code RoleSessionName} (in CloudTrail); the runtime fills in
     *                    {@link #defaultSessionName} when the config leaves it out
     */
    public record AssumeRole(String roleArn, String externalId, String sessionName) {
        public static final AssumeRole EMPTY = new AssumeRole("", "", "");

        /** The longest {@code RoleSessionName} STS accepts. */
        public static final int MAX_SESSION_NAME = 64;

        public AssumeRole {
            roleArn = roleArn == null ? "" : roleArn;
            externalId = externalId == null ? "" : externalId;
            sessionName = sessionName == null ? "" : sessionName;
        }

        /** Whether a role is to be assumed: a role ARN is given. */
        public boolean isSet() {
            return !roleArn.isEmpty();
        }

        /**
         * {@code blip-<monitor id>}, with every character STS does not allow in a session name
         * (anything but letters, digits and {@code +=,.@_-}) made a {@code -}, cut to 64 characters.
         */
        public static String defaultSessionName(String monitorId) {
            String name = ("blip-" + (monitorId == null ? "" : monitorId)).replaceAll("[^\\w+=,.@-]", "-");
            return name.length() > MAX_SESSION_NAME ? name.substring(0, MAX_SESSION_NAME) : name;
        }
    }
}
