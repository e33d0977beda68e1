package io.blip.runtime.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.runtime.config.BlipConfig;
import io.blip.runtime.config.ConfigLoader;
import io.blip.runtime.config.Declarations;
import io.blip.runtime.config.LoadContext;
import io.blip.runtime.mysql.MysqlConnector;
import io.blip.runtime.mysql.TestMonitors;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R27: passwords with every character a DSN, YAML, my.cnf or shell treats specially, unicode, 256
 * characters, and a password file ending in a newline, each set on a real MariaDB user with
 * {@code CREATE USER ... IDENTIFIED BY}, log in through each of the three built-in sources as an
 * operator writes them: the config ({@code password:}, YAML quoted), {@code password-file} (the bytes
 * as they are, plus the newline an editor adds; one trailing newline is stripped, README) and a my.cnf
 * ({@code password="..."} with MySQL's escapes for {@code \} and {@code "}).
 */
class R27PasswordEdgeCasesTest {
    private static final Map<String, String> PASSWORDS = new LinkedHashMap<>();

    static {
        PASSWORDS.put("specials", "p#w;d?x@y/z:a=b'c\"d\\e f");
        PASSWORDS.put("dsn", "blip:pw@tcp(db:3306)/?x=1#frag");
        PASSWORDS.put("unicode", "pässwörd-密码-🔑");
        PASSWORDS.put("256", "aZ9#;?@/:='\"\\ ".repeat(19).substring(0, 256 - 4) + "éß密ж");
        PASSWORDS.put("edges", " leading and trailing space ");
        PASSWORDS.forEach((name, password) -> TestSecrets.secret("R27PasswordEdgeCasesTest." + name, password));
    }

    @TempDir
    Path dir;

    private static String yamlQuoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String mycnfQuoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private MonitorConfig load(String user, String mysqlKeys) throws Exception {
        Path file = dir.resolve("blip.yaml");
        Files.writeString(file, "monitors:\n  - id: db1\n    hostname: " + EmbeddedMariaDb.shared().hostPort()
                + "\n    username: " + user + "\n" + mysqlKeys, StandardCharsets.UTF_8);
        BlipConfig c = ConfigLoader.load(file, LoadContext.of(Map.of(), Declarations.NONE));
        return c.monitors().get(0);
    }

    private static String loginAs(MonitorConfig m, CredentialSourceFactory source) throws Exception {
        CredentialSource credentials = source.make(CredentialContext.of(m));
        try (MysqlConnector connector = TestMonitors.connector(m, credentials, Duration.ofSeconds(5));
             Connection c = connector.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void everyPasswordLogsInThroughConfigPasswordFileAndMycnf() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        List<String> done = new ArrayList<>();
        long start = System.nanoTime();
        for (var e : PASSWORDS.entrySet()) {
            String user = "r27_" + e.getKey();
            String password = e.getValue();
            db.createUser(user, password, "USAGE ON *.*");

            MonitorConfig inConfig = load(user, "    password: " + yamlQuoted(password) + "\n");
            assertEquals(password, inConfig.mysql().password().reveal(), e.getKey());
            assertEquals(user + "@%", loginAs(inConfig, new PasswordSourceFactory()), e.getKey() + " (config)");

            Path file = dir.resolve(user + ".password");
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
            MonitorConfig fromFile = load(user, "    password-file: " + file + "\n");
            assertEquals(user + "@%", loginAs(fromFile, new PasswordFileSourceFactory()),
                    e.getKey() + " (password-file)");

            Path mycnf = dir.resolve(user + ".cnf");
            Files.writeString(mycnf, "[client]\nuser=" + user + "\npassword=" + mycnfQuoted(password) + "  # comment\n",
                    StandardCharsets.UTF_8);
            MonitorConfig fromMycnf = load(user, "    mycnf: " + mycnf + "\n");
            assertEquals(user + "@%", loginAs(fromMycnf, new MycnfSourceFactory()), e.getKey() + " (my.cnf)");
            done.add(e.getKey() + " (" + password.codePointCount(0, password.length()) + " chars)");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Reliability.figure("R27", R27PasswordEdgeCasesTest.class, PASSWORDS.size() + " passwords x 3 sources = "
                + 3 * PASSWORDS.size() + " logins succeeded on MariaDB " + db.version() + " (" + String.join(", ", done)
                + "; the specials are # ; ? @ / : = ' \" \\ and space) through config password:, password-file"
                + " (written with a trailing \\n, one stripped) and my.cnf password=\"...\" (MySQL's escapes), in "
                + millis + " ms.");
    }
}
