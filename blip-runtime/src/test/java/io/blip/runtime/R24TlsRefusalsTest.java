package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import io.blip.api.sink.Delivery;
import io.blip.api.time.Time;
import io.blip.runtime.config.Declarations;
import io.blip.runtime.config.LoadContext;
import io.blip.runtime.config.MycnfFiles;
import io.blip.runtime.mysql.MysqlConnector;
import io.blip.runtime.mysql.TestMonitors;
import io.blip.runtime.plugin.Plugins;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import io.blip.testkit.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R24: a real MariaDB with TLS whose certificate files are swapped between cases ({@code FLUSH SSL}):
 * VERIFY_IDENTITY refuses a name mismatch, an unknown CA, an expired and a self-signed certificate,
 * each measured from connect to refusal; a CA file that is not PEM stops the boot; a password that
 * must not travel in the clear (an AWS IAM token) is not sent under PREFERRED, Blip's fallback. The
 * messages themselves are {@code MysqlTlsTest}'s and {@code TlsClientTest}'s; the Amazon RDS CA that
 * makes AWS credentials VERIFY_IDENTITY is {@code RdsTlsProviderTest}'s.
 */
class R24TlsRefusalsTest {
    private static final String USER = "r24_user";
    private static final String PASSWORD = TestSecrets.secret("R24TlsRefusalsTest.PASSWORD", "r24-pw");
    /** A refusal is the handshake's answer, not a timeout: well below the 5 s connect timeout. */
    private static final long REFUSED_WITHIN_MS = 2_000;

    @TempDir
    static Path certs;
    @TempDir
    Path dir;

    private static EmbeddedMariaDb db;
    private static Authority ca;
    private static Path caFile;
    private static Path otherCaFile;
    private static final List<String> figures = new ArrayList<>();

    @BeforeAll
    static void startServerWithTls() {
        ca = TestCertificates.authority("R24 CA");
        caFile = ca.writeCertificate(certs.resolve("ca.pem"));
        otherCaFile = TestCertificates.authority("Other CA").writeCertificate(certs.resolve("other-ca.pem"));
        serve(ca.server("mysql.test", "DNS:mysql.test"));
        db = EmbeddedMariaDb.start("--ssl-ca=" + caFile, "--ssl-cert=" + certs.resolve("server.pem"),
                "--ssl-key=" + certs.resolve("server-key.pem"));
        db.createUser(USER, PASSWORD, "USAGE ON *.*");
    }

    @AfterAll
    static void stopServer() {
        db.close();
        Reliability.figure("R24", R24TlsRefusalsTest.class, String.join("; ", figures) + ".");
    }

    /** Writes the server's certificate and key where MariaDB reads them; {@code FLUSH SSL} makes it read them. */
    private static void serve(Issued server) {
        server.writeChain(certs.resolve("server.pem"));
        server.writeKey(certs.resolve("server-key.pem"), KeyFormat.TRADITIONAL);
        if (db != null) {
            db.execute("FLUSH SSL");
        }
    }

    private static MysqlConnector connector(Path ca, String serverName, CredentialSource credentials) {
        MysqlConfig mysql = new MysqlConfig(db.hostPort(), "", "", USER, Secret.empty(), "", Duration.ofSeconds(5), "");
        TlsConfig tls = ca == null ? TlsConfig.EMPTY
                : new TlsConfig(ca.toString(), "", "", false, false, serverName, "", "");
        MonitorConfig m = TestMonitors.monitor("m1", "monitors[0]", mysql, tls);
        return TestMonitors.connector(m, credentials, Duration.ofSeconds(5));
    }

    private static final CredentialSource PASSWORD_SOURCE = reason -> Credentials.of(USER, Secret.of(PASSWORD));

    /** Connects and expects a refusal with {@code words} in its message; returns how long it took. */
    private static long refused(String what, Path ca, String serverName, String words) {
        try (MysqlConnector connector = connector(ca, serverName, PASSWORD_SOURCE)) {
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, connector::connect, what);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().contains(words), what + ": " + e.getMessage());
            assertTrue(millis < REFUSED_WITHIN_MS, what + " took " + millis + " ms");
            return millis;
        }
    }

    private static String cipher(Path ca, String serverName) throws SQLException {
        try (MysqlConnector connector = connector(ca, serverName, PASSWORD_SOURCE); Connection c = connector.connect();
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'Ssl_cipher'")) {
            rs.next();
            return rs.getString(2);
        }
    }

    @Test
    void verifyIdentityRefusesEachBadCertificateAtOnce() throws Exception {
        assertTrue(!cipher(caFile, "mysql.test").isEmpty(), "the control: the right CA and name connect");
        long mismatch = refused("name mismatch", caFile, "", "the server certificate is for [DNS:mysql.test], not"
                + " 127.0.0.1 (VERIFY_IDENTITY");
        long unknownCa = refused("unknown CA", otherCaFile, "mysql.test", "is not signed by a trusted CA");
        try {
            serve(ca.leaf("mysql.test").dns("mysql.test").serverAuth().expired().issue());
            long expired = refused("expired", caFile, "mysql.test", "expired on");
            Authority self = TestCertificates.authority("mysql.test");
            serve(self.selfSigned());
            long selfSigned = refused("self-signed", caFile, "mysql.test", "refused");
            figures.add("VERIFY_IDENTITY against MariaDB " + db.version() + " refused a name mismatch in " + mismatch
                    + " ms, an unknown CA in " + unknownCa + " ms, an expired certificate in " + expired
                    + " ms, a self-signed one in " + selfSigned + " ms (goal: refused; 0.4 s measured for"
                    + " Connector/J's own check)");
        } finally {
            serve(ca.server("mysql.test", "DNS:mysql.test"));
        }
    }

    @Test
    void aCaFileThatIsNotPemStopsTheBoot() throws Exception {
        Path der = Files.write(dir.resolve("ca.der"), ca.certificate().getEncoded());
        Path config = Files.writeString(dir.resolve("blip.yaml"), """
                monitors:
                  - id: db1
                    hostname: %s
                    tls:
                      ca: %s
                """.formatted(db.hostPort(), der));
        Plugins plugins = Plugins.load(dir.resolve("no-plugins"));
        Declarations declarations = plugins.declarations(Delivery.OPTIONS);
        var context = new LoadContext(Map.of(), Map.of(), declarations, new MycnfFiles());
        BlipException e = assertThrows(BlipException.class, () -> new Fleet(config, plugins, declarations, context,
                Time.system(), () -> new LocalCandidates(List.of(), "")).load());
        assertTrue(e.getMessage().contains("tls.ca: no certificate in '" + der + "'; it must be PEM"), e.getMessage());
        figures.add("a DER CA file is a boot error (\"" + e.getMessage().lines().findFirst().orElse("")
                .replaceAll("^.*?tls\\.ca", "tls.ca") + "\"), not an empty trust store");
    }

    @Test
    void aPasswordThatMustNotTravelInTheClearIsNotSentUnderPreferred() {
        CredentialSource token = reason -> new Credentials(USER, Secret.of(PASSWORD), true);
        try (MysqlConnector connector = connector(null, "", token)) {
            SQLException e = assertThrows(SQLException.class, connector::connect);
            assertEquals("monitor m1: the credential source's password (e.g. an AWS IAM token) goes only to a verified"
                    + " server, but nothing sets this monitor's TLS (no tls.*, my.cnf ssl-*, or TLS provider); set"
                    + " tls.ca (plugins/tls-rds/ sets the Amazon RDS CA unless aws.disable-auto-tls), or"
                    + " tls.skip-verify: true to send it unverified", e.getMessage());
        }
        try (MysqlConnector connector = connector(caFile, "mysql.test", reason -> new Credentials(USER,
                Secret.of(PASSWORD), true)); Connection c = connector.connect()) {
            figures.add("a password marked requiresTls (AWS IAM token) is refused under PREFERRED (Blip's fallback)"
                    + " before a byte is sent, and goes under VERIFY_IDENTITY");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
