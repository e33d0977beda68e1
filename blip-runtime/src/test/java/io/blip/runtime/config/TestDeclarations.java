package io.blip.runtime.config;

import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;

/**
 * What the config tests are checked against, in place of loaded plugins: sinks, a monitor loader and
 * a monitor section ({@code aws}, shaped as the AWS plugin declares it: keys, a nested section,
 * patterns and a required key).
 */
final class TestDeclarations {
    static final OptionSet AWS = OptionSet.of(
            Option.string("region", "AWS region"),
            Option.bool("iam-auth", "RDS IAM auth token as password").alias("auth-token"),
            Option.string("password-secret", "Secrets Manager secret"),
            Option.section("assume-role", "IAM role to assume", OptionSet.of(
                    Option.string("role-arn", "the role")
                            .matching("arn:[a-z][a-z0-9-]*:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}",
                                    "is not an IAM role ARN; write arn:<partition>:iam::<12-digit account id>:role/"
                                            + "<name>, e.g. arn:aws:iam::123456789012:role/blip")
                            .required("set it to the ARN of the IAM role to assume (e.g."
                                    + " arn:aws:iam::123456789012:role/blip), or remove assume-role"),
                    Option.string("external-id", "external id").matching("[\\w+=,.@:/-]{2,1224}",
                            "is not a valid external id; use 2 to 1224 characters of letters, digits and"
                                    + " + = , . @ : / _ -"),
                    Option.string("session-name", "session name").matching("[\\w+=,.@-]{2,64}",
                            "is not a valid role session name; use 2 to 64 characters of letters, digits and"
                                    + " + = , . @ _ -"))));

    static final Declarations DECLARATIONS = Declarations.NONE
            .withSink("log", OptionSet.EMPTY)
            .withSink("signalfx", OptionSet.of(Option.string("auth-token", "token").asSecret()))
            .withSink("datadog", OptionSet.of(Option.string("api-key", "key").asSecret(),
                    Option.string("app-key", "key").asSecret(), Option.string("auth-token", "token").asSecret()))
            .withSink("otlp", OptionSet.of(Option.string("endpoint", "URL"),
                    Option.map("headers", "request headers").asSecret()))
            .withMonitorLoader("aws", OptionSet.of(Option.list("regions", "regions"),
                    Option.map("tag-filter", "tags")))
            .withSection("aws", AWS);

    private TestDeclarations() {
    }

    static LoadContext context(java.util.Map<String, String> env) {
        return LoadContext.of(env, DECLARATIONS);
    }
}
