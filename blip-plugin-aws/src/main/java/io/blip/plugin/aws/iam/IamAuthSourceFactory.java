package io.blip.plugin.aws.iam;

import io.blip.api.BlipException;
import io.blip.api.config.HostPort;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.plugin.aws.AwsClients;

/**
 * {@code aws.iam-auth: true}: the password is an RDS IAM auth token for the monitor's
 * {@code hostname} and MySQL user (see {@link IamAuthSource}). Highest precedence, as in Blip.
 *
 * <p>The token must never travel in cleartext, so a monitor that would send it so is a boot
 * error: {@code tls.disable}, or a Unix {@code socket} (TLS is not used over a socket). The token
 * is signed for a host name, so the monitor needs {@code hostname}.
 */
public final class IamAuthSourceFactory implements CredentialSourceFactory {
    @Override
    public String name() {
        return "aws-iam";
    }

    @Override
    public int precedence() {
        return 600;
    }

    @Override
    public boolean handles(MonitorConfig monitor) {
        return monitor.aws().iamAuth();
    }

    @Override
    public CredentialSource make(CredentialContext context) {
        MonitorConfig monitor = context.monitor();
        String at = monitor.origin().isEmpty() ? "" : monitor.origin() + ".";
        String key = at + "aws.iam-auth";
        if (!monitor.mysql().socket().isEmpty()) {
            throw new BlipException(key + ": the IAM auth token must travel over TLS, which is not used over the Unix "
                    + "socket " + monitor.mysql().socket() + "; connect with hostname (the RDS endpoint) instead");
        }
        if (monitor.tls().disable() || monitor.tls().mode().equalsIgnoreCase("DISABLED")) {
            throw new BlipException(key + ": the IAM auth token must travel over TLS, but tls.disable is true; "
                    + "remove tls.disable");
        }
        if (monitor.mysql().hostname().isBlank()) {
            throw new BlipException(key + ": no hostname: set hostname to the RDS endpoint (host or host:port); "
                    + "the token is signed for it");
        }
        HostPort address;
        try {
            address = HostPort.parse(monitor.mysql().hostname());
        } catch (BlipException e) {
            throw new BlipException(at + "hostname: " + e.getMessage(), e);
        }
        return new IamAuthSource(context, address, new AwsClients(context.regions(), context.services()));
    }
}
