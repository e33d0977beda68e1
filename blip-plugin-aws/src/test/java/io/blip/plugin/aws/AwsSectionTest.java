package io.blip.plugin.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MonitorSection;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.OptionSet.OptionsException;
import io.blip.api.config.Options;
import io.blip.plugin.aws.AwsSettings.AssumeRole;
import io.blip.plugin.aws.AwsSettings.Imds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code aws} section's declaration, and what the plugin's providers read of it. */
class AwsSectionTest {
    private static final String PATH = "monitors[0].aws";
    private static final String ROLE = "arn:aws:iam::123456789012:role/blip";

    private static Options read(Map<String, ?> values) {
        return AwsSection.OPTIONS.read(OptionSet.Input.of(PATH, values));
    }

    private static Options read(Map<String, ?> values, Map<String, String> env, Map<String, String> properties) {
        return AwsSection.OPTIONS.read(new OptionSet.Input(PATH, values, env, properties, Path.of(""), null, false));
    }

    private static List<String> problems(Map<String, ?> values) {
        return assertThrows(OptionsException.class, () -> read(values)).problems();
    }

    private static AwsSettings settings(String id, Options aws) {
        return AwsSettings.of(MonitorConfig.of(id).withSection(AwsSection.NAME, aws));
    }

    private static Map<String, ?> role(Map<String, String> keys) {
        return Map.of(AwsSection.ASSUME_ROLE, keys);
    }

    @Test
    void theDefaultsAreBlips() {
        AwsSettings aws = settings("db1", AwsSection.OPTIONS.defaults(PATH));
        assertEquals(new AwsSettings("", false, Optional.empty(), false, Optional.empty(),
                new Imds(false, "", "IPv4")), aws);
        assertTrue(aws.autoRegion());
    }

    @Test
    void blipsQuickReferenceSpellingAuthTokenIsIamAuth() {
        assertTrue(settings("db1", read(Map.of("auth-token", "true"))).iamAuth());
        assertEquals(List.of(PATH + ".auth-token: set only one of iam-auth and auth-token, which mean the same"),
                problems(Map.of("iam-auth", "true", "auth-token", "true")));
    }

    @Test
    void everyKey() {
        AwsSettings aws = settings("db1", read(Map.of(
                "region", "eu-west-1",
                "iam-auth", "yes",
                "password-secret", "prod/blip",
                "disable-auto-region", "true",
                "assume-role", Map.of("role-arn", ROLE, "external-id", "ext-4711", "session-name", "blip-s1"))));
        assertEquals(new AwsSettings("eu-west-1", true, Optional.of("prod/blip"), true,
                Optional.of(new AssumeRole(ROLE, "ext-4711", "blip-s1")), new Imds(false, "", "IPv4")), aws);
        assertFalse(aws.autoRegion());
    }

    @Test
    void emptyOrAutoLeavesTheRegionToDetection() {
        for (String region : List.of("", "auto", "AUTO", " Auto ")) {
            assertTrue(settings("db1", read(Map.of("region", region))).autoRegion(), region);
        }
    }

    @Test
    void theConfigKeysAreBlipsAndAssumeRole() {
        assertEquals(List.of("region", "iam-auth", "password-secret", "disable-auto-region", "assume-role"),
                AwsSection.OPTIONS.keys());
        assertEquals(List.of("role-arn", "external-id", "session-name"),
                AwsSection.OPTIONS.get("assume-role").orElseThrow().children().keys());
        assertEquals(List.of("monitors[0].aws.disable-auto-tls: unknown key; valid keys here: region, iam-auth, "
                + "password-secret, disable-auto-region, assume-role"), problems(Map.of("disable-auto-tls", "true")));
    }

    @Test
    void aRoleArnMustBeAnIamRoleArn() {
        assertEquals(List.of("monitors[0].aws.assume-role.role-arn: 'arn:aws:iam::12345:role/blip' is not an IAM "
                        + "role ARN; write arn:<partition>:iam::<12-digit account id>:role/<name>, e.g. "
                        + "arn:aws:iam::123456789012:role/blip"),
                problems(role(Map.of("role-arn", "arn:aws:iam::12345:role/blip"))));
        assertEquals(List.of("monitors[0].aws.assume-role.role-arn: 'arn:aws:iam::123456789012:user/blip' is not an "
                        + "IAM role ARN; write arn:<partition>:iam::<12-digit account id>:role/<name>, e.g. "
                        + "arn:aws:iam::123456789012:role/blip"),
                problems(role(Map.of("role-arn", "arn:aws:iam::123456789012:user/blip"))));
        for (String arn : List.of(ROLE, "arn:aws-cn:iam::123456789012:role/path/to/blip+=,.@_-",
                "arn:aws-us-gov:iam::123456789012:role/" + "r".repeat(64))) {
            assertEquals(arn, settings("db1", read(role(Map.of("role-arn", arn)))).assumeRole().orElseThrow()
                    .roleArn());
        }
        assertEquals(1, problems(role(Map.of("role-arn", "arn:aws:iam::123456789012:role/" + "r".repeat(65)))).size());
    }

    @Test
    void anExternalIdIsInStsLimits() {
        String problem = "is not a valid external id; use 2 to 1224 characters of letters, digits and "
                + "+ = , . @ : / _ -";
        assertEquals(List.of("monitors[0].aws.assume-role.external-id: 'x' " + problem),
                problems(role(Map.of("role-arn", ROLE, "external-id", "x"))));
        assertEquals(List.of("monitors[0].aws.assume-role.external-id: 'a b' " + problem),
                problems(role(Map.of("role-arn", ROLE, "external-id", "a b"))));
        assertEquals(1, problems(role(Map.of("role-arn", ROLE, "external-id", "x".repeat(1225)))).size());
        assertEquals("urn:ext/4711@a.b+c=d,e_f-g", settings("db1", read(role(Map.of("role-arn", ROLE,
                "external-id", "urn:ext/4711@a.b+c=d,e_f-g")))).assumeRole().orElseThrow().externalId());
    }

    @Test
    void aSessionNameIsInStsLimits() {
        String problem = "is not a valid role session name; use 2 to 64 characters of letters, digits and "
                + "+ = , . @ _ -";
        assertEquals(List.of("monitors[0].aws.assume-role.session-name: 'blip session' " + problem),
                problems(role(Map.of("role-arn", ROLE, "session-name", "blip session"))));
        assertEquals(List.of("monitors[0].aws.assume-role.session-name: 'a:b' " + problem),
                problems(role(Map.of("role-arn", ROLE, "session-name", "a:b"))));
        assertEquals(1, problems(role(Map.of("role-arn", ROLE, "session-name", "s".repeat(65)))).size());
    }

    @Test
    void assumeRoleWithoutARoleArnIsAnError() {
        assertEquals(List.of("monitors[0].aws.assume-role: role-arn is not set; set it to the ARN of the IAM role to "
                        + "assume (e.g. arn:aws:iam::123456789012:role/blip), or remove assume-role"),
                problems(role(Map.of("external-id", "ext-4711"))));
        assertEquals(1, problems(role(Map.of("role-arn", ""))).size(), "e.g. role-arn: ${ROLE_ARN}, unset");
    }

    @Test
    void theMonitorDefaultsMayLeaveTheRoleArnToEachMonitor() {
        var defaults = new OptionSet.Input("aws", role(Map.of("external-id", "ext-4711")), Map.of(), Map.of(),
                Path.of(""), null, true);
        Options aws = AwsSection.OPTIONS.read(defaults);
        assertEquals("ext-4711", aws.section("assume-role").string("external-id"));
        assertEquals(Optional.empty(), settings("db1", aws).assumeRole(), "no role without a role ARN");
    }

    @Test
    void withoutASessionNameTheMonitorIdNamesTheSession() {
        assertEquals("blip-db1.example.com-3306", settings("db1.example.com:3306", read(role(Map.of("role-arn", ROLE))))
                .assumeRole().orElseThrow().sessionName());
        assertEquals("blip-s1", settings("db1", read(role(Map.of("role-arn", ROLE, "session-name", "blip-s1"))))
                .assumeRole().orElseThrow().sessionName());
        assertEquals("blip-db_1-x=y,z.a@b-c-d-e", AssumeRole.defaultSessionName("db_1-x=y,z.a@b c/d:e"));
        assertEquals("blip-" + "m".repeat(59), AssumeRole.defaultSessionName("m".repeat(100)));
        assertEquals("blip-", AssumeRole.defaultSessionName(null));
    }

    @Test
    void theImdsSettingsComeFromTheEnvironmentVariables() {
        Options aws = read(Map.of(), Map.of(
                "AWS_EC2_METADATA_DISABLED", "true",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"), Map.of());
        assertEquals(new Imds(true, "http://127.0.0.1:1338", "IPv6"), settings("db1", aws).imds());
        assertEquals("AWS_EC2_METADATA_SERVICE_ENDPOINT", aws.where(AwsSection.IMDS_ENDPOINT));
    }

    @Test
    void theImdsSettingsComeFromTheSystemProperties() {
        Options aws = read(Map.of(), Map.of(), Map.of(
                "aws.disableEc2Metadata", "true",
                "aws.ec2MetadataServiceEndpoint", "http://127.0.0.1:1338",
                "aws.ec2MetadataServiceEndpointMode", "ipv6"));
        assertEquals(new Imds(true, "http://127.0.0.1:1338", "ipv6"), settings("db1", aws).imds());
        assertEquals("aws.ec2MetadataServiceEndpoint", aws.where(AwsSection.IMDS_ENDPOINT));
    }

    /** As in the AWS SDK: a flag on the JVM's command line beats the environment. */
    @Test
    void theSystemPropertyWinsOverTheEnvironmentVariable() {
        Options aws = read(Map.of(), Map.of("AWS_EC2_METADATA_DISABLED", "false"),
                Map.of("aws.disableEc2Metadata", "true"));
        assertTrue(settings("db1", aws).imds().disabled());
        assertEquals("aws.disableEc2Metadata", aws.where(AwsSection.IMDS_DISABLED));
    }

    @Test
    void theImdsEndpointIsTheGivenOneElseTheModes() {
        assertEquals("http://169.254.169.254", new Imds(false, "", "IPv4").url());
        assertEquals("http://[fd00:ec2::254]", new Imds(false, "", "IPv6").url());
        assertEquals("http://[fd00:ec2::254]", new Imds(false, "", "ipv6").url());
        assertEquals("http://127.0.0.1:1338", new Imds(false, " http://127.0.0.1:1338 ", "IPv6").url());
    }

    @Test
    void theImdsSettingsAreNoConfigKeys() {
        assertEquals(List.of("monitors[0].aws.ec2-metadata-disabled: unknown key; valid keys here: region, iam-auth, "
                + "password-secret, disable-auto-region, assume-role"),
                problems(Map.of("ec2-metadata-disabled", "true")));
    }

    @Test
    void aWrongImdsSettingNamesItsVariable() {
        var e = assertThrows(OptionsException.class, () -> read(Map.of(), Map.of(
                "AWS_EC2_METADATA_DISABLED", "maybe",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"), Map.of()));
        assertEquals(List.of("AWS_EC2_METADATA_DISABLED: 'maybe' is not a boolean; use true or false (or yes/no, on/off,"
                        + " 1/0)",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv5' is not an EC2 metadata endpoint mode; use IPv4 or "
                        + "IPv6"),
                e.problems());
    }

    @Test
    void withRegionKeepsTheConfigAndTheEnvironment() {
        Options aws = AwsSection.OPTIONS.with(OptionSet.of(Option.bool("disable-auto-tls", "")))
                .read(new OptionSet.Input(PATH, Map.of("iam-auth", "on", "disable-auto-tls", "true",
                        "assume-role", Map.of("role-arn", ROLE)), Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT",
                        "http://127.0.0.1:1338"), Map.of("aws.disableEc2Metadata", "true"), Path.of(""), null, false));
        MonitorConfig monitor = MonitorConfig.of("db1").withSection(AwsSection.NAME, aws);

        MonitorConfig auto = AwsSection.withRegion(monitor, AwsSection.AUTO);

        Options changed = auto.section(AwsSection.NAME);
        assertEquals("auto", changed.string(AwsSection.REGION));
        assertTrue(changed.bool("disable-auto-tls"), "the keys of another plugin's part of the section stay");
        assertEquals(new AwsSettings("auto", true, Optional.empty(), false,
                Optional.of(new AssumeRole(ROLE, "", "blip-db1")), new Imds(true, "http://127.0.0.1:1338", "IPv4")),
                AwsSettings.of(auto));
        assertEquals(PATH, changed.path());
    }

    @Test
    void theModuleProvidesTheSection() {
        MonitorSection section = new AwsSection();
        assertEquals("aws", section.name());
        assertEquals(AwsSection.OPTIONS, section.options());
        var descriptor = AwsSection.class.getModule().getDescriptor();
        assertTrue(descriptor.provides().stream().anyMatch(p -> p.service().equals(MonitorSection.class.getName())
                && p.providers().contains(AwsSection.class.getName())), descriptor.provides().toString());
    }
}
