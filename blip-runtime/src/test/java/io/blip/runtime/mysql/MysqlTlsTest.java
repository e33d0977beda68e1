package io.blip.runtime.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.runtime.config.MycnfFiles;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import io.blip.api.tls.TlsMaterial;
import io.blip.api.tls.TlsProvider;
import io.blip.api.time.Time;
import io.blip.runtime.tls.TlsMode;
import io.blip.runtime.tls.TlsSettings;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Algorithm;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real TLS against a real MariaDB (WolfSSL) whose CA and server certificate are made at test time.
 * The server certificate names only {@code mysql.test}, and tests connect to 127.0.0.1: a name
 * mismatch unless {@code tls.server-name} says {@code mysql.test}.
 */
class MysqlTlsTest {
    private static final String ORIGIN = "monitors[0]";
    private static final String USER = "tls_user";
    private static final String PASSWORD = "tls-pw";

    @TempDir
    static Path certs;
    @TempDir
    Path dir;

    private static EmbeddedMariaDb db;
    private static Authority ca;
    private static Path caFile;
    private static Path otherCaFile;
    private static Path clientCert;
    private static Path clientKey;

    @BeforeAll
    static void startServerWithTls() {
        ca = TestCertificates.authority("Blip Test CA");
        caFile = ca.writeCertificate(certs.resolve("ca.pem"));
        otherCaFile = TestCertificates.authority("Other CA").writeCertificate(certs.resolve("other-ca.pem"));
        Issued server = ca.server("mysql.test", "DNS:mysql.test");
        Path serverCert = server.writeChain(certs.resolve("server.pem"));
        Path serverKey = server.writeKey(certs.resolve("server-key.pem"), KeyFormat.TRADITIONAL);
        Issued client = ca.leaf("blip-x509").algorithm(Algorithm.EC).clientAuth().issue();
        clientCert = client.writeChain(certs.resolve("client.pem"));
        clientKey = client.writeKey(certs.resolve("client-key.pem"), KeyFormat.TRADITIONAL);

        db = EmbeddedMariaDb.start("--ssl-ca=" + caFile, "--ssl-cert=" + serverCert, "--ssl-key=" + serverKey);
        db.createUser(USER, PASSWORD, "SELECT ON *.*");
        db.execute("DROP USER IF EXISTS 'x509_user'@'%'", "CREATE USER 'x509_user'@'%' REQUIRE X509",
                "GRANT SELECT ON *.* TO 'x509_user'@'%'");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    private static MonitorConfig monitor(TlsConfig tls, String mycnf) {
        MysqlConfig mysql = new MysqlConfig(db.hostPort(), "", mycnf, USER, Secret.empty(), "", Duration.ofSeconds(5),
                "");
        return TestMonitors.monitor("m1", ORIGIN, mysql, tls);
    }

    private static TlsConfig tls(Path ca, String serverName) {
        return new TlsConfig(ca == null ? "" : ca.toString(), "", "", false, false, serverName, "", "");
    }

    private static final CredentialSource PASSWORD_SOURCE = reason -> Credentials.of(USER, Secret.of(PASSWORD));

    private static MysqlConnector connector(MonitorConfig m, TlsProvider... providers) {
        return TestMonitors.connector(m, PASSWORD_SOURCE, Duration.ofSeconds(5), List.of(providers));
    }

    private static String status(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW STATUS LIKE '" + name + "'")) {
            return rs.next() ? rs.getString(2) : "";
        }
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Opens one connection and returns its cipher: empty for plain. */
    private static String cipherOf(MysqlConnector connector) throws SQLException {
        try (Connection c = connector.connect()) {
            return status(c, "Ssl_cipher");
        }
    }

    private static String untrusted() {
        return "monitor m1: TLS handshake with " + db.hostPort() + " refused: the server certificate (CN=mysql.test,"
                + " O=Blip tests), issued by CN=Blip Test CA, O=Blip tests, is not signed by a trusted CA";
    }

    private static String mismatch() {
        return "monitor m1: TLS handshake with " + db.hostPort() + " refused: the server certificate is for"
                + " [DNS:mysql.test], not 127.0.0.1";
    }

    /** io.blip.api.tls.Pem's message for a file without a certificate. */
    private static String noCertificate(Path file) {
        return "no certificate in '" + file + "'; it must be PEM (-----BEGIN CERTIFICATE-----); a DER file converts"
                + " with openssl x509 -inform der -in " + file + " -out <new file>";
    }

    @Test
    void theServerHasTls() throws SQLException {
        try (Connection c = db.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@have_ssl")) {
            rs.next();
            assertEquals("YES", rs.getString(1));
        }
    }

    @Test
    void aVerifiedConnectionThroughThePoolWithTheServerName() throws Exception {
        try (MonitorPool pool = new MonitorPool("m1", connector(monitor(tls(caFile, "mysql.test"), "")),
                Duration.ofSeconds(5), Time.system()); Connection c = pool.getConnection()) {
            assertTrue(status(c, "Ssl_cipher").length() > 0);
            assertEquals(USER + "@%", currentUser(c));
        }
    }

    @Test
    void aHostNameMismatchIsRefusedUnderVerifyIdentity() {
        try (MysqlConnector connector = connector(monitor(tls(caFile, ""), ""))) {
            SQLException e = assertThrows(SQLException.class, connector::connect);
            assertEquals(mismatch() + " (VERIFY_IDENTITY, " + ORIGIN + ".tls; CAs: " + ORIGIN + ".tls.ca: " + caFile
                    + "); connect by one of its names or set tls.server-name", e.getMessage());
            assertEquals("08S01", e.getSQLState());
        }
    }

    @Test
    void anUnknownCaIsRefused() {
        try (MysqlConnector connector = connector(monitor(tls(otherCaFile, "mysql.test"), ""))) {
            SQLException e = assertThrows(SQLException.class, connector::connect);
            assertEquals(untrusted() + " (VERIFY_IDENTITY, " + ORIGIN + ".tls; CAs: " + ORIGIN + ".tls.ca: "
                    + otherCaFile + ")", e.getMessage());
        }
    }

    @Test
    void aClientCertificateLogsInARequireX509UserWithoutAPassword() throws Exception {
        CredentialSource noPassword = reason -> Credentials.of("x509_user", Secret.empty());
        TlsConfig withCert = new TlsConfig(caFile.toString(), clientCert.toString(), clientKey.toString(), false,
                false, "mysql.test", "", "");
        try (MysqlConnector connector = TestMonitors.connector(monitor(withCert, ""), noPassword, Duration.ofSeconds(5));
             Connection c = connector.connect()) {
            assertEquals("x509_user@%", currentUser(c));
        }
        try (MysqlConnector connector = TestMonitors.connector(monitor(tls(caFile, "mysql.test"), ""), noPassword,
                Duration.ofSeconds(5))) {
            SQLException e = assertThrows(SQLException.class, connector::connect);
            assertEquals(MysqlConnector.ER_ACCESS_DENIED, e.getErrorCode());
        }
    }

    @Test
    void skipVerifyEncryptsToTheMismatchedCertificate() throws Exception {
        try (MysqlConnector connector = connector(monitor(new TlsConfig("", "", "", true, false, "", "", ""), ""))) {
            assertTrue(cipherOf(connector).length() > 0);
        }
    }

    @Test
    void disableIsPlain() throws Exception {
        try (MysqlConnector connector = connector(monitor(new TlsConfig(caFile.toString(), "", "", false, true, "",
                "", ""), ""))) {
            assertEquals("", cipherOf(connector));
        }
    }

    @Test
    void withNoTlsSettingsTlsIsUsedBecauseTheServerOffersIt() throws Exception {
        try (MysqlConnector connector = connector(monitor(TlsConfig.EMPTY, ""))) {
            assertEquals(TlsMode.PREFERRED, connector.tls().mode());
            assertTrue(cipherOf(connector).length() > 0);
        }
    }

    @Test
    void minVersionIsHonoured() throws Exception {
        try (MysqlConnector connector = connector(monitor(new TlsConfig(caFile.toString(), "", "", false, false,
                "mysql.test", "TLSv1.3", ""), "")); Connection c = connector.connect()) {
            assertEquals("TLSv1.3", status(c, "Ssl_version"));
        }
    }

    /** Each my.cnf ssl-mode as MySQL defines it; no ssl-mode with an ssl-ca is VERIFY_CA (mysql client rule). */
    @ParameterizedTest(name = "ssl-mode ''{0}'' with {1}")
    @CsvSource({
            "DISABLED, ca, plain",
            "PREFERRED, other-ca, tls",
            "REQUIRED, other-ca, tls",
            "VERIFY_CA, ca, tls",
            "VERIFY_CA, other-ca, untrusted",
            "VERIFY_IDENTITY, ca, mismatch",
            "'', ca, tls",
            "'', other-ca, untrusted"})
    void mycnfSslModes(String mode, String caName, String expected) throws Exception {
        Path cas = caName.equals("ca") ? caFile : otherCaFile;
        Path cnf = Files.writeString(dir.resolve("my.cnf"), "[client]\nssl-ca = " + cas + "\n"
                + (mode.isEmpty() ? "" : "ssl-mode = " + mode + "\n"));
        try (MysqlConnector connector = connector(monitor(TlsConfig.EMPTY, cnf.toString()))) {
            switch (expected) {
                case "plain" -> assertEquals("", cipherOf(connector));
                case "tls" -> assertTrue(cipherOf(connector).length() > 0);
                default -> {
                    SQLException e = assertThrows(SQLException.class, connector::connect);
                    String prefix = expected.equals("untrusted") ? untrusted() : mismatch();
                    assertTrue(e.getMessage().startsWith(prefix + " ("), e.getMessage());
                    assertTrue(e.getMessage().contains(ORIGIN + ".mysql.mycnf: " + cnf + ": ssl-ca: " + cas),
                            e.getMessage());
                }
            }
        }
    }

    @Test
    void aRenewedCaFileIsReadWithoutARestart() throws Exception {
        Path file = Files.copy(otherCaFile, dir.resolve("ca.pem"));
        try (MysqlConnector connector = connector(monitor(tls(file, "mysql.test"), ""))) {
            assertThrows(SQLException.class, connector::connect);
            // A renewal caught half-written: new connections fail, naming the file, until it is whole.
            Files.writeString(file, "-----BEGIN CERT");
            // Later times whatever the file system's granularity, as a renewal has.
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 2000));
            SQLException broken = assertThrows(SQLException.class, connector::connect);
            assertEquals("monitor m1: TLS (a TLS file changed): " + ORIGIN + ".tls.ca: "
                    + noCertificate(file), broken.getMessage());
            Files.copy(caFile, file, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 4000));
            assertTrue(cipherOf(connector).length() > 0);
        }
    }

    @Test
    void accessDeniedReadsTheTlsFilesAgain() throws Exception {
        db.createUser("tls_rotating", "old-pw", "SELECT ON *.*");
        List<CredentialReason> asked = new ArrayList<>();
        CredentialSource caching = reason -> {
            asked.add(reason);
            return Credentials.of("tls_rotating", Secret.of(asked.contains(CredentialReason.ACCESS_DENIED) ? "new-pw"
                    : "old-pw"));
        };
        try (MysqlConnector connector = TestMonitors.connector(monitor(tls(caFile, "mysql.test"), ""), caching,
                Duration.ofSeconds(5))) {
            TlsSettings first = connector.tls();
            connector.connect().close();
            assertSame(first, connector.tls(), "unchanged files are not read again");
            db.changePassword("tls_rotating", "new-pw");
            try (Connection c = connector.connect()) {
                assertEquals("tls_rotating@%", currentUser(c));
            }
            assertNotSame(first, connector.tls());
        }
    }

    /** A TLS provider for the test, answering with the given CA. */
    private static TlsProvider provider(X509Certificate ca, boolean verifyIdentity) {
        return new TlsProvider() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public Optional<TlsMaterial> tls(MonitorConfig monitor) {
                return Optional.of(new TlsMaterial("test bundle", List.of(ca), verifyIdentity));
            }
        };
    }

    @Test
    void aTlsProviderIsUsedWhenNothingElseSetsTls() throws Exception {
        try (MysqlConnector connector = connector(monitor(TlsConfig.EMPTY, ""), provider(ca.certificate(), false))) {
            assertEquals(TlsMode.VERIFY_CA, connector.tls().mode());
            assertTrue(cipherOf(connector).length() > 0);
        }
        try (MysqlConnector connector = connector(monitor(TlsConfig.EMPTY, ""), provider(ca.certificate(), true))) {
            SQLException e = assertThrows(SQLException.class, connector::connect);
            assertEquals(mismatch() + " (VERIFY_IDENTITY, TLS provider test: test bundle; CAs: TLS provider test:"
                    + " test bundle); connect by one of its names or set tls.server-name", e.getMessage());
        }
    }

    @Test
    void explicitTlsWinsOverATlsProvider() throws Exception {
        X509Certificate stranger = TestCertificates.authority("Stranger CA").certificate();
        try (MysqlConnector connector = connector(monitor(new TlsConfig("", "", "", true, false, "", "", ""), ""),
                provider(stranger, true))) {
            assertEquals(TlsMode.REQUIRED, connector.tls().mode());
            assertTrue(cipherOf(connector).length() > 0);
        }
    }

    @Test
    void aUnixSocketUsesNoTlsEvenWhenMycnfAsksAndSaysSo() throws Exception {
        Path cnf = Files.writeString(dir.resolve("my.cnf"), "[client]\nssl-mode=VERIFY_IDENTITY\nssl-ca=" + caFile
                + "\n");
        MysqlConfig mysql = new MysqlConfig("", db.socket().toString(), cnf.toString(), USER, Secret.empty(), "",
                Duration.ofSeconds(5), "");
        MonitorConfig m = TestMonitors.monitor("m1", ORIGIN, mysql, null);
        try (MysqlConnector connector = connector(m)) {
            assertEquals(List.of(cnf + " sets ssl-mode=VERIFY_IDENTITY, but Blip uses no TLS over the Unix socket "
                    + db.socket()), connector.tls().warnings());
            assertEquals("", cipherOf(connector));
        }
    }

    @Test
    void tlsSettingsOverAUnixSocketAreABootError() {
        MysqlConfig mysql = new MysqlConfig("", db.socket().toString(), "", USER, Secret.empty(), "",
                Duration.ofSeconds(5), "");
        MonitorConfig m = TestMonitors.monitor("m1", ORIGIN, mysql, tls(caFile, ""));
        BlipException e = assertThrows(BlipException.class, () -> ConnectionTarget.resolve(m, new MycnfFiles(), List.of(), Time.system()));
        assertEquals(ORIGIN + ".tls: TLS is not used over a Unix socket (" + db.socket() + "); remove the tls settings"
                + " (or set tls.disable: true for this monitor) or connect with hostname", e.getMessage());
    }
}
