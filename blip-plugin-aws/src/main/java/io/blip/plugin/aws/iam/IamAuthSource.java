package io.blip.plugin.aws.iam;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.api.config.Address;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import io.blip.api.time.Time;
import io.blip.plugin.aws.AwsClients;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * One monitor's RDS IAM auth token: signed locally by the AWS SDK's {@link RdsUtilities} for
 * {@code host:port} (3306 when none is given) and the MySQL user, with the monitor's region and
 * AWS credentials, and valid 15 minutes.
 *
 * <p>A token is reused for {@link #TOKEN_LIFETIME} (870 s, as the AWS JDBC wrapper), read on the
 * context's {@link Time} from just before it was made, then renewed on the next ask: every connection
 * opened with a cached token has at least 30 s of validity left. {@link CredentialReason#ACCESS_DENIED}
 * always makes a new token (Blip renewed only then). Asks are serialised, so a monitor's
 * connections renew one at a time. The SDK signs with the system clock; the lifetime is counted
 * on the context's time, which is the system's outside tests.
 *
 * <p>The region is the runtime's region chain's ({@code aws.region}, EC2 instance metadata, the
 * endpoint name), else the AWS SDK's own settings without IMDS ({@code AWS_REGION},
 * {@code aws.region}, the profile's {@code region}); none is an error on connect. The token never
 * appears in logs, messages or {@code toString}.
 */
final class IamAuthSource implements CredentialSource {
    /** The token is valid 900 s; renew 30 s early. */
    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(870);

    private static final Logger LOG = LoggerFactory.getLogger(IamAuthSource.class);

    private final MonitorConfig monitor;
    private final Address address;
    private final String username;
    private final CredentialContext context;
    private final AwsClients clients;
    private final Time time;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock.
    private RdsUtilities rds;
    private Region region;
    private Secret token;
    private Instant renewAt;

    IamAuthSource(CredentialContext context, Address address, AwsClients clients) {
        this.context = context;
        this.monitor = context.monitor();
        this.address = address;
        this.username = monitor.mysql().username();
        this.clients = clients;
        this.time = context.time();
    }

    @Override
    public Credentials credentials(CredentialReason reason) {
        lock.lock();
        try {
            Instant now = time.now();
            if (token == null || reason == CredentialReason.ACCESS_DENIED || !now.isBefore(renewAt)) {
                token = generate(reason);
                renewAt = now.plus(TOKEN_LIFETIME);
            }
            return new Credentials(username, token, true);
        } finally {
            lock.unlock();
        }
    }

    private Secret generate(CredentialReason reason) {
        RdsUtilities utilities = utilities();
        String made;
        try {
            made = utilities.generateAuthenticationToken(b -> b
                    .hostname(address.host())
                    .port(address.port())
                    .username(username));
        } catch (RuntimeException e) {
            // SDK messages are about credentials and regions; the token does not exist yet.
            throw new BlipException("aws.iam-auth: monitor " + monitor.id() + ": cannot make an RDS auth token for "
                    + target() + " in " + region + ": " + e.getMessage(), e);
        }
        LOG.debug("monitor {}: new RDS IAM auth token for {} in {} ({}); reused for {} s", monitor.id(), target(),
                region, reason == CredentialReason.ACCESS_DENIED ? "access denied" : token == null ? "first"
                        : "expiring", TOKEN_LIFETIME.toSeconds());
        return Secret.of(made);
    }

    private RdsUtilities utilities() {
        if (rds == null) {
            region = Region.of(region());
            rds = RdsUtilities.builder()
                    .region(region)
                    .credentialsProvider(clients.credentials(monitor))
                    .build();
        }
        return rds;
    }

    private String region() {
        Optional<String> found = context.regions().region(monitor);
        if (found.isPresent()) {
            return found.get();
        }
        try {
            // The SDK's default chain without its IMDS step: the region chain asked IMDS already.
            return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                    .getRegion().id();
        } catch (SdkClientException e) {
            throw new BlipException("aws.iam-auth: no AWS region for monitor " + monitor.id() + ": set aws.region (or "
                    + "AWS_REGION); neither EC2 instance metadata nor the hostname " + address.host() + " gave one");
        }
    }

    private String target() {
        return username + "@" + address;
    }

    @Override
    public String toString() {
        return "IamAuthSource[" + monitor.id() + ", " + target() + "]";
    }
}
