package io.blip.plugin.aws.secret;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import io.blip.api.time.Time;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One monitor's password from a Secrets Manager secret. The password is read on the first connect
 * and kept; a new connection reuses it. When MySQL denies access it is read again, so a rotation
 * costs one failed login. When the read fails and a password was read before, that password is
 * kept (Secrets Manager being down or throttling must not stop a monitor that can still log in);
 * with none read yet the error is thrown. The MySQL user comes from the config: Blip reads only the
 * secret's {@code password} key.
 */
final class SecretSource implements CredentialSource {
    private static final Logger LOG = LoggerFactory.getLogger(SecretSource.class);

    private final String monitorId;
    private final String username;
    private final String secretId;
    private final SecretReader reader;
    private final Time time;
    private Secret password;
    private String versionId;
    private Instant readAt;

    SecretSource(String monitorId, String username, String secretId, SecretReader reader, Time time) {
        this.monitorId = monitorId;
        this.username = username;
        this.secretId = secretId;
        this.reader = reader;
        this.time = time;
    }

    @Override
    public synchronized Credentials credentials(CredentialReason reason) {
        if (password == null || reason == CredentialReason.ACCESS_DENIED) {
            read();
        }
        return Credentials.of(username, password);
    }

    private void read() {
        SecretReader.Value v;
        try {
            v = reader.read();
        } catch (BlipException e) {
            if (password == null) {
                throw e;
            }
            LOG.warn("monitor {}: {}; keeping the password read {} ago (version {})", monitorId, e.getMessage(),
                    SecretReader.seconds(Duration.ofSeconds(Duration.between(readAt, time.now()).toSeconds())),
                    versionId);
            return;
        }
        if (password == null) {
            LOG.info("monitor {}: password read from Secrets Manager secret {} (version {})", monitorId, secretId,
                    v.versionId());
        } else if (password.equals(v.password())) {
            LOG.warn("monitor {}: MySQL denied access, and Secrets Manager secret {} still holds the same password "
                    + "(version {}): the secret and the MySQL user's password disagree (a rotation in progress?)",
                    monitorId, secretId, v.versionId());
        } else {
            LOG.info("monitor {}: MySQL denied access; Secrets Manager secret {} holds a new password (version {}, "
                    + "was {})", monitorId, secretId, v.versionId(), versionId);
        }
        password = v.password();
        versionId = v.versionId();
        readAt = time.now();
    }

    @Override
    public void close() {
        reader.close();
    }
}
