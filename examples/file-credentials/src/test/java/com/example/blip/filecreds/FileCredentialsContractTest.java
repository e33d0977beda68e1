package com.example.blip.filecreds;

import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import io.blip.kit.CredentialSourceContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The file-credentials source passes the kit's credential-source contract. */
class FileCredentialsContractTest extends CredentialSourceContract {
    @TempDir
    Path dir;
    private Path file;
    private String password = "first-password";

    @BeforeEach
    void writeFile() throws Exception {
        file = dir.resolve("db1.properties");
        Files.writeString(file, "user=metrics\npassword=" + password + "\n");
    }

    @Override
    protected CredentialSourceFactory factory() {
        return new FileCredentialsFactory();
    }

    @Override
    protected MonitorConfig monitor() {
        // The section as the runtime would check it from the config.
        return MonitorConfig.of("db1").withSection(FileCredentialsSection.NAME, FileCredentialsSection.OPTIONS
                .read(OptionSet.Input.of("file-credentials", Map.of("path", file.toString()))));
    }

    @Override
    protected Credentials expected() {
        return Credentials.of("metrics", Secret.of(password));
    }

    @Override
    protected void rotate() throws Exception {
        password = "second-password";
        Files.writeString(file, "user=metrics\npassword=" + password + "\n");
    }
}
