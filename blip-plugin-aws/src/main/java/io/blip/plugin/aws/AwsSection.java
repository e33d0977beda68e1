package io.blip.plugin.aws;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MonitorSection;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code aws} section of every monitor as this plugin reads it: Blip's {@code aws} keys, and
 * {@code aws.assume-role}. The runtime checks each monitor's section (merged key by key with the
 * top-level defaults) against {@link #OPTIONS}; the plugin's providers read the result through
 * {@link AwsSettings}. {@code disable-auto-tls} is blip-plugin-tls-rds's, which acts on it.
 *
 * <p>The EC2 instance metadata settings are the AWS SDK's own, which only the environment sets:
 * no config key. Where the SDK reads the system property before the environment variable, these
 * take the environment variable first (the rule of every declared option); they differ only when
 * both are set, to different values.
 */
public final class AwsSection implements MonitorSection {
    public static final String NAME = "aws";
    public static final String REGION = "region";
    public static final String IAM_AUTH = "iam-auth";
    public static final String PASSWORD_SECRET = "password-secret";
    public static final String DISABLE_AUTO_REGION = "disable-auto-region";
    public static final String ASSUME_ROLE = "assume-role";
    public static final String ROLE_ARN = "role-arn";
    public static final String EXTERNAL_ID = "external-id";
    public static final String SESSION_NAME = "session-name";
    public static final String IMDS_DISABLED = "ec2-metadata-disabled";
    public static final String IMDS_ENDPOINT = "ec2-metadata-service-endpoint";
    public static final String IMDS_ENDPOINT_MODE = "ec2-metadata-service-endpoint-mode";
    /** The {@code region} that asks for detection, as an empty one does. */
    public static final String AUTO = "auto";

    /** The longest {@code RoleSessionName} STS accepts. */
    public static final int MAX_SESSION_NAME = 64;

    /** The EC2 instance metadata settings: the plugin's RDS monitor loader reads them too. */
    public static final OptionSet IMDS = OptionSet.of(
            Option.bool(IMDS_DISABLED, "Never ask EC2 instance metadata for the region")
                    .env("AWS_EC2_METADATA_DISABLED").property("aws.disableEc2Metadata").environmentOnly(),
            Option.string(IMDS_ENDPOINT, "The EC2 instance metadata endpoint, an http URL; default: the one "
                            + IMDS_ENDPOINT_MODE + " names")
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT").property("aws.ec2MetadataServiceEndpoint")
                    .environmentOnly(),
            Option.string(IMDS_ENDPOINT_MODE, "Which EC2 instance metadata endpoint: IPv4 ("
                            + AwsSettings.Imds.IPV4_ENDPOINT + ") or IPv6 (" + AwsSettings.Imds.IPV6_ENDPOINT + ")")
                    .matching("(?i)IPv4|IPv6", "is not an EC2 metadata endpoint mode; use IPv4 or IPv6")
                    .withDefault("IPv4")
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").property("aws.ec2MetadataServiceEndpointMode")
                    .environmentOnly());

    /** The section's keys, with Blip's meanings and defaults. */
    public static final OptionSet OPTIONS = OptionSet.of(
            Option.string(REGION, "The AWS region of the monitor's AWS calls; empty or auto: found by the region "
                    + "chain (EC2 instance metadata, the RDS endpoint name)"),
            // Blip's quick reference calls it auth-token; its code reads iam-auth.
            Option.bool(IAM_AUTH, "The MySQL password is an RDS IAM auth token (sent over TLS only)")
                    .alias("auth-token"),
            Option.string(PASSWORD_SECRET, "A Secrets Manager secret (ARN or name) whose JSON \"password\" key is "
                    + "the MySQL password"),
            Option.bool(DISABLE_AUTO_REGION, "Never ask EC2 instance metadata for the region"),
            Option.section(ASSUME_ROLE, "An IAM role every AWS call of the monitor is made as, its credentials from "
                    + "STS AssumeRole", OptionSet.of(
                    Option.string(ROLE_ARN, "The role, arn:<partition>:iam::<account>:role/<name>")
                            // IAM's limits: a role name (after an optional path) is 1 to 64 of these characters.
                            .matching("arn:[a-z][a-z0-9-]*:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}",
                                    "is not an IAM role ARN; write arn:<partition>:iam::<12-digit account id>:"
                                            + "role/<name>, e.g. arn:aws:iam::123456789012:role/blip")
                            // Keys without a role would make the base identity act in the role's place.
                            .required("set it to the ARN of the IAM role to assume (e.g. "
                                    + "arn:aws:iam::123456789012:role/blip), or remove assume-role"),
                    Option.string(EXTERNAL_ID, "The ExternalId the role's trust policy asks for")
                            .matching("[\\w+=,.@:/-]{2,1224}", "is not a valid external id; use 2 to 1224 "
                                    + "characters of letters, digits and + = , . @ : / _ -"),
                    Option.string(SESSION_NAME, "The RoleSessionName, seen in CloudTrail; default: blip-<monitor id>")
                            .matching("[\\w+=,.@-]{2," + MAX_SESSION_NAME + "}", "is not a valid role session "
                                    + "name; use 2 to 64 characters of letters, digits and + = , . @ _ -"))))
            .with(IMDS);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "AWS region, RDS IAM auth, Secrets Manager password and IAM role of each monitor";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    /**
     * The monitor with its {@code aws.region} set to {@code region}, all else as it is: for AWS
     * calls that need another region than the monitor's.
     */
    public static MonitorConfig withRegion(MonitorConfig monitor, String region) {
        Options aws = monitor.section(NAME);
        var values = new LinkedHashMap<String, Object>(aws.written());
        values.put(REGION, region);
        return monitor.withSection(NAME, view(aws.declared(), aws.path(), values, aws));
    }

    /**
     * A monitor {@code id} that only has an {@code aws.region}, and the IMDS settings that
     * {@code environment} got from the environment: what a provider that is not one monitor's (the
     * RDS monitor loader) makes its AWS calls for, so that the region chain and the credentials
     * plugins can answer for it.
     */
    public static MonitorConfig monitor(String id, String region, Options environment) {
        return MonitorConfig.of(id).withOrigin(environment.path())
                .withSection(NAME, view(OPTIONS, id + "." + NAME, Map.of(REGION, region), environment));
    }

    /**
     * {@code declared} read with {@code values} given and, for every option that {@code environment}
     * got from the environment, the same value: the config's values ({@link Options#written}) do not
     * hold what the environment gave, such as the IMDS settings.
     */
    private static Options view(OptionSet declared, String path, Map<String, ?> values, Options environment) {
        var env = new LinkedHashMap<String, String>();
        for (Option o : declared.options()) {
            if (environment.declared().get(o.name()).isPresent()
                    && environment.source(o.name()) == Options.Source.ENVIRONMENT) {
                String text = o.type() == Option.Type.BOOLEAN ? String.valueOf(environment.bool(o.name()))
                        : environment.string(o.name());
                // Under the variable's or the property's name: each map finds it where the option looks.
                env.put(environment.where(o.name()), text);
            }
        }
        return declared.read(new OptionSet.Input(path, values, env, env, Path.of(""), null, false));
    }
}
