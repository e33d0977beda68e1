package io.blip.runtime.credential;

import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import io.blip.kit.CredentialSourceContract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The built-in credential sources pass the plugin kit's contract, as a third party's would. */
class BuiltInSourcesContractTest {

    private static MonitorConfig monitor(MysqlConfig mysql) {
        return MonitorConfig.of("db1").withMysql(mysql);
    }

    @Nested
    class Password extends CredentialSourceContract {
        @Override
        protected CredentialSourceFactory factory() {
            return new PasswordSourceFactory();
        }

        @Override
        protected MonitorConfig monitor() {
            return BuiltInSourcesContractTest.monitor(new MysqlConfig("db1", "", "", "metrics", Secret.of("s3cret"),
                    "", null, ""));
        }

        @Override
        protected Credentials expected() {
            return Credentials.of("metrics", Secret.of("s3cret"));
        }
    }

    @Nested
    class PasswordFile extends CredentialSourceContract {
        @TempDir
        Path dir;

        private Path file() throws Exception {
            Path f = dir.resolve("password");
            if (!Files.exists(f)) {
                Files.writeString(f, "first-pw\n");
            }
            return f;
        }

        @Override
        protected CredentialSourceFactory factory() {
            return new PasswordFileSourceFactory();
        }

        @Override
        protected MonitorConfig monitor() {
            try {
                return BuiltInSourcesContractTest.monitor(new MysqlConfig("db1", "", "", "metrics", null,
                        file().toString(), null, ""));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected Credentials expected() throws Exception {
            return Credentials.of("metrics", Secret.of(Files.readString(file()).strip()));
        }

        @Override
        protected void rotate() throws Exception {
            Files.writeString(file(), "second-pw\n");
        }
    }

    @Nested
    class Mycnf extends CredentialSourceContract {
        @TempDir
        Path dir;

        private Path file() throws Exception {
            Path f = dir.resolve("my.cnf");
            if (!Files.exists(f)) {
                Files.writeString(f, "[client]\nuser=cnf_user\npassword=first-pw\n");
            }
            return f;
        }

        @Override
        protected CredentialSourceFactory factory() {
            return new MycnfSourceFactory();
        }

        @Override
        protected MonitorConfig monitor() {
            try {
                return BuiltInSourcesContractTest.monitor(new MysqlConfig("", "", file().toString(), null, null, "",
                        null, ""));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected Credentials expected() throws Exception {
            String password = Files.readAllLines(file()).stream().filter(l -> l.startsWith("password="))
                    .findFirst().orElseThrow().substring("password=".length());
            return Credentials.of("cnf_user", Secret.of(password));
        }

        @Override
        protected void rotate() throws Exception {
            // A new size as well as a new time: the source reads the file again when either changes.
            Files.writeString(file(), "[client]\nuser=cnf_user\npassword=second-password\n");
        }
    }
}
