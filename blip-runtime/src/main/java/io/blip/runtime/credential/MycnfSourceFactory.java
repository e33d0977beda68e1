package io.blip.runtime.credential;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import io.blip.runtime.config.Mycnf;
import io.blip.runtime.config.MycnfFiles;
import io.blip.runtime.config.PrivateFiles;
import java.nio.file.Path;

/**
 * {@code mysql.mycnf}: user and password from the file's {@code [client]} section, as it is at each
 * new connection (the file is read again when it changes). A {@code username} set in the config wins over the file's {@code user}
 * (my.cnf values are defaults, as in Blip); the default user {@code blip} does not. A file with a
 * password that others can read is warned about ({@link PrivateFiles}).
 */
public final class MycnfSourceFactory extends CredentialSourceFactory.Base {
    public MycnfSourceFactory() {
        super("mycnf", 300, m -> !m.mysql().mycnf().isEmpty());
    }

    @Override
    public CredentialSource make(CredentialContext context) {
        return make(context, new MycnfFiles());
    }

    /** The source, reading the file through {@code files}: once, and again when it changes. */
    CredentialSource make(CredentialContext context, MycnfFiles files) {
        MonitorConfig monitor = context.monitor();
        String configured = monitor.mysql().username();
        Path file = Path.of(monitor.mysql().mycnf());
        try {
            if (!files.read(file).password().isEmpty()) {
                PrivateFiles.check(file, "the password of monitor " + monitor.id());
            }
        } catch (BlipException e) {
            // unreadable: the first connection says so
        }
        return reason -> {
            Mycnf mycnf = files.read(file);
            boolean userFromConfig = !configured.equals(MysqlConfig.DEFAULT_USERNAME) || mycnf.user().isEmpty();
            return Credentials.of(userFromConfig ? configured : mycnf.user(), mycnf.password());
        };
    }
}
