package io.blip.runtime.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import io.blip.api.Secret;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import io.blip.runtime.config.ConfigException;
import io.blip.runtime.config.ConfigLoader;
import io.blip.runtime.config.Declarations;
import io.blip.runtime.config.LoadContext;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R25: the driver settings that let a server read the client's files or run what it sends
 * ({@code allowLoadLocalInfile}, {@code allowUrlInLocalInfile}, {@code allowMultiQueries},
 * {@code autoDeserialize}, {@code allowPublicKeyRetrieval}) cannot be turned on by any config path, and a
 * malicious server that asks for a file gets none of it.
 */
class R25DangerousDriverSettingsTest {
    static final List<String> DANGEROUS = List.of("allowLoadLocalInfile", "allowUrlInLocalInfile",
            "allowMultiQueries", "autoDeserialize", "allowPublicKeyRetrieval");
    private static final String USER = "r25_user";
    private static final String PASSWORD = TestSecrets.secret("R25DangerousDriverSettingsTest.PASSWORD", "r25-pw");

    @TempDir
    Path dir;

    private List<String> problems(String yaml) throws Exception {
        Path file = dir.resolve("blip.yaml");
        Files.writeString(file, yaml);
        return assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, LoadContext.of(Map.of(), Declarations.NONE)),
                () -> "loaded without a problem:\n" + yaml).problems();
    }

    /** Every setting through every key a monitor's config has: each attempt is a boot error at its key. */
    @Test
    void noConfigKeyReachesTheDriver() throws Exception {
        int refused = 0;
        for (String key : DANGEROUS) {
            List<String> attempts = List.of(
                    "mysql:\n  " + key + ": true\nmonitors:\n  - hostname: db1\n",
                    "monitors:\n  - hostname: db1\n    " + key + ": true\n",
                    "monitors:\n  - hostname: db1\n    tls:\n      " + key + ": true\n",
                    "monitors:\n  - hostname: \"db1/?" + key + "=true&x=\"\n",
                    "monitors:\n  - hostname: \"db1:3306/?" + key + "=true\"\n",
                    "monitors:\n  - hostname: \"address=(host=db1)(" + key + "=true)\"\n",
                    "monitors:\n  - hostname: \"(host=db1,port=3306," + key + "=true)\"\n",
                    "monitors:\n  - hostname: \"db1,db2/?" + key + "=true\"\n",
                    "monitors:\n  - hostname: \"[::1]/?" + key + "=true\"\n");
            for (String yaml : attempts) {
                List<String> p = problems(yaml);
                assertEquals(1, p.size(), p::toString);
                assertTrue(p.get(0).contains(yaml.contains("hostname: \"") ? "hostname" : key), p::toString);
                refused++;
            }
        }
        assertEquals(problems("monitors:\n  - hostname: \"db1/?autoDeserialize=true&x=\"\n"),
                List.of(dir.resolve("blip.yaml") + ":2: monitors[0].hostname: 'db1/?autoDeserialize=true&x=':"
                        + " 'db1/?autoDeserialize=true&x=' is not a host name or IP address; driver settings cannot"
                        + " be given here (Blip sets them); write host or host:port, e.g. db1.example.com:3306"));
        figures.add(refused + " config attempts (5 settings x mysql/monitor/tls keys and 6 DSN-shaped hostnames)"
                + " refused at boot with the key's line");
        record();
    }

    /**
     * A my.cnf is read as the {@code mysql} client reads it, and the client's own keys for these
     * ({@code local-infile}, {@code get-server-public-key}) and the driver's names are ignored: the live
     * connection has them all off, and the server and driver refuse LOAD DATA LOCAL and two statements.
     */
    @Test
    void mycnfCannotTurnThemOnAndTheLiveConnectionHasThemOff() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(USER, PASSWORD, "SELECT ON *.*", "FILE ON *.*");
        db.execute("CREATE DATABASE IF NOT EXISTS r25", "CREATE TABLE IF NOT EXISTS r25.t (line TEXT)");
        Path mycnf = dir.resolve("my.cnf");
        StringBuilder text = new StringBuilder("[client]\nlocal-infile=1\nenable-local-infile\nget-server-public-key\n");
        DANGEROUS.forEach(k -> text.append(k).append("=true\n"));
        text.append("[blip]\n");
        DANGEROUS.forEach(k -> text.append(k).append("=true\n"));
        Files.writeString(mycnf, text);
        Path secret = Files.writeString(dir.resolve("secret.txt"), "r25-file-content\n");

        MysqlConfig mysql = new MysqlConfig(db.hostPort(), "", mycnf.toString(), USER, Secret.empty(), "",
                Duration.ofSeconds(5), "");
        CredentialSource password = reason -> Credentials.of(USER, Secret.of(PASSWORD));
        try (MysqlConnector connector = TestMonitors.connector(TestMonitors.monitor("m1", "monitors[0]", mysql,
                TlsConfig.EMPTY), password, Duration.ofSeconds(5)); Connection c = connector.connect()) {
            var props = c.unwrap(JdbcConnection.class).getPropertySet();
            List<String> absent = new ArrayList<>();
            for (String key : DANGEROUS) {
                var property = Arrays.stream(PropertyKey.values())
                        .filter(k -> k.getKeyName().equals(key)).findFirst();
                if (property.isPresent()) {
                    assertFalse(props.getBooleanProperty(property.get()).getValue(), key);
                } else {
                    absent.add(key); // removed from the driver: nothing can turn it on
                }
            }
            assertEquals(null, props.getStringProperty(PropertyKey.allowLoadLocalInfileInPath).getValue());
            try (Statement s = c.createStatement()) {
                SQLException load = assertThrows(SQLException.class, () -> s.execute(
                        "LOAD DATA LOCAL INFILE '" + secret + "' INTO TABLE r25.t"));
                assertTrue(load.getErrorCode() == 4166 || load.getErrorCode() == 1148, load::getMessage);
                SQLException two = assertThrows(SQLException.class, () -> s.execute("SELECT 1; SELECT 2"));
                assertEquals(1064, two.getErrorCode(), two.getMessage());
            }
            figures.add("my.cnf with local-infile and the 5 driver names: " + (DANGEROUS.size() - absent.size())
                    + " off on the live connection" + (absent.isEmpty() ? "" : ", " + absent + " not in this driver")
                    + ";"
                    + " LOAD DATA LOCAL INFILE refused with error " + loadError(c, secret)
                    + ", two statements in one with 1064");
        }
        try (Connection admin = db.admin(); Statement s = admin.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM r25.t")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
        record();
    }

    private static int loadError(Connection c, Path file) {
        try (Statement s = c.createStatement()) {
            s.execute("LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE r25.t");
            return 0;
        } catch (SQLException e) {
            return e.getErrorCode();
        }
    }

    /** A server that answers Blip's first statement with a file request receives no byte of the file. */
    @Test
    void aRogueServerAskingForAFileGetsNothing() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "r25-rogue-secret ".repeat(100));
        try (RogueMysqlServer rogue = new RogueMysqlServer(secret.toString())) {
            MysqlConfig mysql = new MysqlConfig(rogue.hostPort(), "", "", "blip", Secret.empty(), "",
                    Duration.ofSeconds(5), "");
            CredentialSource password = reason -> Credentials.of("blip", Secret.of("pw"));
            long start = System.nanoTime();
            SQLException e;
            try (MysqlConnector connector = TestMonitors.connector(TestMonitors.monitor("m1", "monitors[0]", mysql,
                    TlsConfig.EMPTY), password, Duration.ofSeconds(5))) {
                e = assertThrows(SQLException.class, connector::connect);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            RogueMysqlServer.Transcript t = rogue.transcript();
            String sent = new String(t.afterRequest(), StandardCharsets.UTF_8);
            assertFalse(sent.contains("r25-rogue-secret"), sent);
            assertEquals(0, t.afterRequest().length, sent);
            assertTrue(e.getMessage().contains("LOAD DATA LOCAL INFILE"), e.getMessage());
            figures.add("rogue server (handshake v10, OK, then 0xFB '" + secret.getFileName() + "' in answer to '"
                    + t.query().strip().replaceAll("\\s+", " ").substring(0, Math.min(40, t.query().strip().length()))
                    + "…'): " + t.afterRequest().length + " file bytes received in " + t.packetsAfterRequest()
                    + " packet(s); the connect failed in " + millis + " ms: " + e.getMessage().lines().findFirst()
                    .orElse(""));
        }
        record();
    }

    private static final List<String> figures = new ArrayList<>();

    private static synchronized void record() {
        Reliability.figure("R25", R25DangerousDriverSettingsTest.class,
                String.join("; ", figures).replaceFirst("\\.*$", "."));
    }
}
