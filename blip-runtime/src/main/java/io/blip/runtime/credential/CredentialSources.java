package io.blip.runtime.credential;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import io.blip.runtime.config.MycnfFiles;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses each monitor's credential source: the one named by {@code mysql.credential-source}, else
 * the handling factory with the highest precedence (Blip's order), else none: the user with no
 * password.
 */
public final class CredentialSources {
    private CredentialSources() {
    }

    /** The chosen factory, or empty for "no password". */
    public static Optional<CredentialSourceFactory> choose(MonitorConfig monitor,
                                                           List<CredentialSourceFactory> factories) {
        String named = monitor.mysql().credentialSource();
        if (!named.isEmpty()) {
            return factories.stream().filter(f -> f.name().equals(named)).findFirst()
                    .or(() -> {
                        throw new BlipException(monitor.origin() + ".credential-source: no credential source named '"
                                + named + "'. Available: " + factories.stream().map(CredentialSourceFactory::name)
                                .sorted().toList() + ". Plugins are directories of jars under plugins/.");
                    });
        }
        return factories.stream().filter(f -> f.handles(monitor))
                .max(Comparator.comparingInt(CredentialSourceFactory::precedence));
    }

    /**
     * The source for the monitor; a source that always gives the user with no password when none
     * applies. The built-in my.cnf source reads the file through the boot's {@code mycnf} files.
     */
    public static CredentialSource make(CredentialContext context, List<CredentialSourceFactory> factories,
                                        MycnfFiles mycnf) {
        MonitorConfig monitor = context.monitor();
        Optional<CredentialSourceFactory> chosen = choose(monitor, factories);
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
