package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.sink.Delivery;
import io.blip.api.time.Time;
import io.blip.runtime.config.Declarations;
import io.blip.runtime.config.LoadContext;
import io.blip.runtime.config.MycnfFiles;
import io.blip.runtime.config.PrivateFiles;
import io.blip.runtime.credential.MycnfSourceFactory;
import io.blip.runtime.credential.PasswordFileSourceFactory;
import io.blip.runtime.plugin.Plugins;
import io.blip.testkit.LogEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config file, password file or my.cnf that holds a password and that the group or others can read
 * is one warning at boot naming the file and {@code chmod 600}; a private one, or one without a password,
 * is none.
 */
class PrivateFilesTest {
    @TempDir
    Path dir;

    /** A file of this mode, whose group is not this process's (nobody's, 65534), as a shared group's would be. */
    private Path file(String name, String text, String mode) throws Exception {
        Path f = ownGroupFile(name, text, mode);
        try {
            Files.setAttribute(f, "unix:gid", 65534);
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "cannot give " + f + " another group: " + e);
        }
        return f;
    }

    private Path ownGroupFile(String name, String text, String mode) throws Exception {
        Path f = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private static String warning(Path f, String who, String mode) {
        return f + ": holds the password of monitor " + who + " and is readable by its group and others ("
                + mode + "); make it private to Blip's user: chmod 600 " + f;
    }

    private static List<String> makeAndListen(Class<?> logger, Runnable boot) {
        try (LogEvents log = new LogEvents(logger)) {
            boot.run();
            return log.at("WARN");
        }
    }

    private static MonitorConfig monitor(String passwordFile, String mycnf) {
        return MonitorConfig.of("db1").withMysql(new MysqlConfig("db1", "", mycnf, "blip", Secret.empty(),
                passwordFile, Duration.ofSeconds(5), ""));
    }

    @Test
    void aReadablePasswordFileIsOneWarning() throws Exception {
        Path open = file("pw", "s3cret\n", "rw-r--r--");
        assertEquals(List.of(warning(open, "db1", "rw-r--r--")), makeAndListen(PrivateFiles.class,
                () -> new PasswordFileSourceFactory().make(CredentialContext.of(monitor(open.toString(), "")))));
        Path closed = file("pw-private", "s3cret\n", "rw-------");
        assertEquals(List.of(), makeAndListen(PrivateFiles.class,
                () -> new PasswordFileSourceFactory().make(CredentialContext.of(monitor(closed.toString(), "")))));
        Path groupOnly = file("pw-group", "s3cret\n", "rw-r-----");
        assertEquals(PrivateFiles.warning(groupOnly, "a password").orElseThrow(), groupOnly + ": holds a password"
                + " and is readable by its group (rw-r-----); make it private to Blip's user: chmod 600 " + groupOnly);
    }

    /** A Kubernetes secret volume: 0440, its group the pod's fsGroup, which is Blip's own group. */
    @Test
    void aFileReadableByBlipsOwnGroupAloneIsNoWarning() throws Exception {
        Path secret = ownGroupFile("mysql-password", "s3cret\n", "r--r-----");
        assertEquals(java.util.Optional.empty(), PrivateFiles.warning(secret, "a password"));
    }

    @Test
    void aReadableMycnfWarnsOnlyWhenItHoldsAPassword() throws Exception {
        Path withPassword = file("with.cnf", "[client]\nuser=blip\npassword=s3cret\n", "rw-r--r--");
        assertEquals(List.of(warning(withPassword, "db1", "rw-r--r--")), makeAndListen(PrivateFiles.class,
                () -> new MycnfSourceFactory().make(CredentialContext.of(monitor("", withPassword.toString())))));
        Path withoutPassword = file("without.cnf", "[client]\nuser=blip\nssl-ca=/etc/ca.pem\n", "rw-r--r--");
        assertEquals(List.of(), makeAndListen(PrivateFiles.class,
                () -> new MycnfSourceFactory().make(CredentialContext.of(monitor("", withoutPassword.toString())))));
    }

    private void load(Path config, Map<String, String> env) {
        Plugins plugins = Plugins.load(dir.resolve("no-plugins"));
        Declarations declarations = plugins.declarations(Delivery.OPTIONS);
        var context = new LoadContext(env, Map.of(), declarations, new MycnfFiles());
        new Fleet(config, plugins, declarations, context, Time.system(), () -> new LocalCandidates(List.of(), "")).load().discard();
    }

    @Test
    void aReadableConfigFileWithAPasswordIsOneWarning() throws Exception {
        Path config = file("blip.yaml", """
                monitors:
                  - id: db1
                    hostname: 127.0.0.1:1
                    password: s3cret
                  - id: db2
                    hostname: 127.0.0.1:2
                    password: s3cret
                """, "rw-r--r--");
        assertEquals(List.of(warning(config, "db1", "rw-r--r--")), makeAndListen(PrivateFiles.class, () -> load(config, Map.of())));
        Path fromEnv = file("env.yaml", """
                monitors:
                  - id: db1
                    hostname: 127.0.0.1:1
                    password: ${DB_PASSWORD}
                """, "rw-r--r--");
        assertEquals(List.of(), makeAndListen(PrivateFiles.class, () -> load(fromEnv, Map.of("DB_PASSWORD", "s3cret"))));
    }
}
