package io.blip.runtime.credential;

import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;

/** {@code mysql.password}: the password written in the config. */
public final class PasswordSourceFactory extends CredentialSourceFactory.Base {
    public PasswordSourceFactory() {
        super("password", 200, m -> !m.mysql().password().isEmpty());
    }

    @Override
    public CredentialSource make(CredentialContext context) {
        MonitorConfig monitor = context.monitor();
        Credentials credentials = Credentials.of(monitor.mysql().username(), monitor.mysql().password());
        return reason -> credentials;
    }
}
