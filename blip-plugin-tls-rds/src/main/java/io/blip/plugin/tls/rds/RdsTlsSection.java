package io.blip.plugin.tls.rds;

import io.blip.api.config.MonitorSection;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;

/**
 * The keys of the monitors' {@code aws} section that the auto-TLS rule reads ({@link RdsTlsProvider}):
 * {@code disable-auto-tls}, which only this plugin acts on, and whether the password comes from AWS.
 * The AWS plugin declares the section's other keys and, the same way, {@code iam-auth} and
 * {@code password-secret}; the runtime merges the two.
 */
public final class RdsTlsSection implements MonitorSection {
    static final String NAME = "aws";
    static final String DISABLE_AUTO_TLS = "disable-auto-tls";
    static final String IAM_AUTH = "iam-auth";
    static final String PASSWORD_SECRET = "password-secret";

    static final OptionSet OPTIONS = OptionSet.of(
            Option.bool(DISABLE_AUTO_TLS, "Never turn on TLS with the Amazon RDS CA bundle automatically"),
            Option.bool(IAM_AUTH, "The password is an RDS IAM auth token: TLS with the RDS CA bundle"),
            Option.string(PASSWORD_SECRET, "The password is in Secrets Manager: TLS with the RDS CA bundle"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Whether TLS with the Amazon RDS CA bundle is turned on automatically";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }
}
