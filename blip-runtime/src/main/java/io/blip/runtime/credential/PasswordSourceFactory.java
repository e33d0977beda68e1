package io.blip.runtime.credential;

import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;

/** {@code mysql.password}: the password written in the config. */
public final class PasswordSourceFactory implements CredentialSourceFactory {
    @Override
    public String name() {
        return "password";
    }

    @Override
    public int precedence() {
        return 200;
    }

    @Override
    public boolean handles(MonitorConfig monitor) {
        return !monitor.mysql().password().isEmpty();
    }

    @Override
    public CredentialSource make(CredentialContext context) {
        MonitorConfig monitor = context.monitor();
        Credentials credentials = Credentials.of(monitor.mysql().username(), monitor.mysql().password());
        return reason -> credentials;
    }
}
