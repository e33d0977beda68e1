package io.blip.plugin.aws.iam;

import io.blip.api.BlipException;
import io.blip.api.config.Address;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.plugin.aws.AwsClients;
import io.blip.plugin.aws.AwsSettings;

/**
 * {@code aws.iam-auth: true}: the password is an RDS IAM auth token for the monitor's host and
 * port ({@link MonitorConfig#address()}) and MySQL user (see {@link IamAuthSource}). Highest
 * precedence, as in Blip.
 *
 * <p>The token must never travel in cleartext, so a monitor that would send it so is a boot
 * error: {@code tls.disable}, or a Unix socket (TLS is not used over a socket). The token is
 * signed for a host name, so the monitor needs one ({@code hostname}, or the my.cnf's {@code host}).
 */
public final class IamAuthSourceFactory extends CredentialSourceFactory.Base {
    public IamAuthSourceFactory() {
        super("aws-iam", 600, m -> AwsSettings.of(m).iamAuth());
    }

    @Override
    public CredentialSource make(CredentialContext context) {
        MonitorConfig monitor = context.monitor();
        String key = (monitor.origin().isEmpty() ? "" : monitor.origin() + ".") + "aws.iam-auth";
        Address address = monitor.address();
        if (address.isSocket()) {
            throw new BlipException(key + ": the IAM auth token must travel over TLS, which is not used over the Unix "
                    + "socket " + address.socket() + "; connect with hostname (the RDS endpoint) instead");
        }
        if (monitor.tls().disable() || monitor.tls().mode().equalsIgnoreCase("DISABLED")) {
            throw new BlipException(key + ": the IAM auth token must travel over TLS, but tls.disable is true; "
                    + "remove tls.disable");
        }
        if (address.host().isBlank()) {
            throw new BlipException(key + ": no hostname: set hostname to the RDS endpoint (host or host:port); "
                    + "the token is signed for it");
        }
        return new IamAuthSource(context, address, new AwsClients(context.regions(), context.services()));
    }
}
