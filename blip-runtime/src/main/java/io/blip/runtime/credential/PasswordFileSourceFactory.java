package io.blip.runtime.credential;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import io.blip.runtime.config.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code mysql.password-file}: the password is the file's content, read again for every new
 * connection so that a rotated file is used at once. One trailing newline ({@code \n} or
 * {@code \r\n}) is stripped: editors and {@code echo} add one, and it is never part of a password
 * (Blip keeps it, which makes such files fail). A file others can read is warned about
 * ({@link PrivateFiles}).
 */
public final class PasswordFileSourceFactory extends CredentialSourceFactory.Base {
    public PasswordFileSourceFactory() {
        super("password-file", 400, m -> !m.mysql().passwordFile().isEmpty());
    }

    @Override
    public CredentialSource make(CredentialContext context) {
        MonitorConfig monitor = context.monitor();
        String username = monitor.mysql().username();
        Path file = Path.of(monitor.mysql().passwordFile());
        PrivateFiles.check(file, "the password of monitor " + monitor.id());
        return reason -> Credentials.of(username, read(file));
    }

    static Secret read(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BlipException("mysql.password-file: cannot read " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (content.endsWith("\r\n")) {
            content = content.substring(0, content.length() - 2);
        } else if (content.endsWith("\n")) {
            content = content.substring(0, content.length() - 1);
        }
        return Secret.of(content);
    }
}
