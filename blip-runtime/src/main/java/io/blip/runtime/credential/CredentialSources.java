package io.blip.runtime.credential;

import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import io.blip.runtime.config.MycnfFiles;
import java.util.Optional;

/**
 * Makes a monitor's credential source from the factory the registry chose
 * ({@link io.blip.runtime.plugin.Plugins#credentialSourceFor}), or a source of the user with no
 * password when none applies. The built-in my.cnf source reads the file through the boot's my.cnf
 * files, read once per change.
 */
public final class CredentialSources {
    private CredentialSources() {
    }

    public static CredentialSource make(CredentialContext context, Optional<CredentialSourceFactory> chosen,
                                        MycnfFiles mycnf) {
        MonitorConfig monitor = context.monitor();
        if (chosen.isPresent() && chosen.get() instanceof MycnfSourceFactory fromMycnf) {
            return fromMycnf.make(context, mycnf);
        }
        if (chosen.isPresent()) {
            return chosen.get().make(context);
        }
        Credentials none = Credentials.of(monitor.mysql().username(), io.blip.api.Secret.empty());
        return reason -> none;
    }
}
