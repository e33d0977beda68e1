package com.example.blip.filecreds;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The {@code file-credentials} source: user and password from the properties file that the
 * monitor's {@code file-credentials.path} names. It reads the file on the first connect and keeps
 * it; after "access denied" it reads it again, so a rotated password costs one failed login.
 */
public final class FileCredentialsFactory extends CredentialSourceFactory.Base {
    /** Precedence 450: above Blip's own password-file (400), below the AWS sources. */
    public FileCredentialsFactory() {
        super("file-credentials", 450, m -> m.section(FileCredentialsSection.NAME).file("path").isPresent());
    }

    @Override
    public CredentialSource make(CredentialContext context) {
        Path file = context.monitor().section(FileCredentialsSection.NAME).file("path")
                .orElseThrow(() -> new BlipException(context.monitor().origin()
                        + ".file-credentials.path: not set; name the properties file with user and password"));
        return new CredentialSource() {
            private Credentials cached;

            @Override
            public Credentials credentials(CredentialReason reason) {
                if (cached == null || reason == CredentialReason.ACCESS_DENIED) {
                    cached = read(file);
                }
                return cached;
            }

            @Override
            public String toString() {
                return "file-credentials " + file;
            }
        };
    }

    static Credentials read(Path file) {
        var p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new BlipException("file-credentials: cannot read " + file + ": " + e.getMessage());
        }
        String user = p.getProperty("user", "");
        if (user.isBlank()) {
            throw new BlipException("file-credentials: " + file + " has no user=");
        }
        return Credentials.of(user, Secret.of(p.getProperty("password", "")));
    }
}
