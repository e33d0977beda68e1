package io.blip.runtime.mysql;

import io.blip.api.BlipException;
import io.blip.api.config.HostPort;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens physical connections to one monitor's MySQL with mysql-connector-j.
 *
 * <p>Credentials are asked of the monitor's credential source for every new connection. When
 * MySQL answers "access denied" (1045), the source is asked again with
 * {@link CredentialReason#ACCESS_DENIED} and the connection is tried once more, so a rotated
 * password costs one failed login, not a restart. Calls are serialised: one credential fetch at a
 * time per monitor.
 *
 * <p>Driver settings are pinned safe: no {@code LOAD DATA LOCAL}, no driver telemetry, bounded
 * connect and socket timeouts.
 */
public final class MysqlConnector implements AutoCloseable {
    /** MySQL's "Access denied for user" error. */
    public static final int ER_ACCESS_DENIED = 1045;

    private static final Logger LOG = LoggerFactory.getLogger(MysqlConnector.class);

    private final MonitorConfig monitor;
    private final CredentialSource credentials;
    private final Duration socketTimeout;
    private final Target target;
    /** The user of the last connection: a credential source (e.g. my.cnf) may name another than the config. */
    private volatile String user;

    /** Where to connect: a Unix socket path, else a TCP host and port. */
    private record Target(String socket, HostPort address, String sslMode) {
    }

    public MysqlConnector(MonitorConfig monitor, CredentialSource credentials, Duration socketTimeout) {
        this.monitor = monitor;
        this.credentials = credentials;
        this.socketTimeout = socketTimeout;
        this.target = target(monitor);
        this.user = monitor.mysql().username();
    }

    /** Checks what can be checked without connecting, so that boot reports it. */
    public static void checkTarget(MonitorConfig monitor) {
        target(monitor);
    }

    private static Target target(MonitorConfig monitor) {
        String hostname = monitor.mysql().hostname();
        String socket = monitor.mysql().socket();
        String sslMode = sslMode(monitor.tls());
        if (hostname.isEmpty() && socket.isEmpty() && !monitor.mysql().mycnf().isEmpty()) {
            Mycnf mycnf = Mycnf.read(Path.of(monitor.mysql().mycnf()));
            hostname = mycnf.hostname();
            socket = mycnf.socket();
            if (!mycnf.sslMode().isEmpty() && !monitor.tls().isSet()) {
                sslMode = mycnf.sslMode();
            }
        }
        if (!socket.isEmpty()) {
            // A socket takes precedence over TCP, as in Blip. Local socket connections do not use TLS.
            if (monitor.tls().skipVerify() && !monitor.tls().disable()) {
                throw new BlipException(monitor.origin() + ".tls.skip-verify: TLS is not used over a Unix socket ("
                        + socket + "); remove the tls settings or connect with hostname");
            }
            return new Target(socket, null, "DISABLED");
        }
        if (hostname.isEmpty()) {
            throw new BlipException(monitor.origin() + ": no hostname: set hostname (host or host:port) or socket");
        }
        return new Target("", HostPort.parse(hostname), sslMode);
    }

    private static String sslMode(TlsConfig tls) {
        if (tls.disable()) {
            return "DISABLED";
        }
        if (!tls.ca().isEmpty() || !tls.cert().isEmpty() || !tls.key().isEmpty()) {
            throw new BlipException("tls.ca, tls.cert, tls.key: TLS with your own certificates is not supported by "
                    + "this version; remove them or set tls.skip-verify: true to encrypt without verifying");
        }
        if (tls.skipVerify()) {
            return "REQUIRED";
        }
        // As the mysql client does: TLS when the server offers it, plain otherwise.
        return "PREFERRED";
    }

    /** {@code blip:...@tcp(db:3306)/}: the DSN with the password replaced, as Blip shows it. */
    public String redactedDsn() {
        String where = target.socket().isEmpty() ? "tcp(" + target.address() + ")" : "unix(" + target.socket() + ")";
        return user + ":...@" + where + "/";
    }

    /** Opens a new physical connection, asking for fresh credentials once if access is denied. */
    public synchronized Connection connect() throws SQLException {
        Credentials c = ask(CredentialReason.CONNECT);
        try {
            return open(c);
        } catch (SQLException e) {
            if (e.getErrorCode() != ER_ACCESS_DENIED) {
                throw e;
            }
            LOG.info("monitor {}: access denied for {}; asking the credential source again", monitor.id(),
                    c.username());
            Credentials fresh = ask(CredentialReason.ACCESS_DENIED);
            return open(fresh);
        }
    }

    private Credentials ask(CredentialReason reason) throws SQLException {
        try {
            return credentials.credentials(reason);
        } catch (SQLException e) {
            throw e;
        } catch (Exception e) {
            // Sources promise no secret in their messages.
            throw new SQLException("credentials for monitor " + monitor.id() + ": " + e.getMessage(), "28000", e);
        }
    }

    private Connection open(Credentials c) throws SQLException {
        user = c.username();
        Properties props = new Properties();
        props.setProperty("user", c.username());
        props.setProperty("password", c.password().reveal());
        props.setProperty("sslMode", c.requiresTls() && "PREFERRED".equals(target.sslMode()) ? "REQUIRED"
                : target.sslMode());
        if (c.requiresTls() && "DISABLED".equals(target.sslMode())) {
            throw new SQLException("monitor " + monitor.id() + ": the credential source requires TLS but TLS is "
                    + (target.socket().isEmpty() ? "disabled (tls.disable or ssl-mode=DISABLED)"
                    : "not used over a Unix socket; connect with hostname"), "28000");
        }
        props.setProperty("connectTimeout", Long.toString(monitor.mysql().timeoutConnect().toMillis()));
        props.setProperty("socketTimeout", Long.toString(socketTimeout.toMillis()));
        props.setProperty("allowLoadLocalInfile", "false");
        props.setProperty("allowUrlInLocalInfile", "false");
        props.setProperty("allowMultiQueries", "false");
        props.setProperty("autoReconnect", "false");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("openTelemetry", "DISABLED");
        // A key fetched over a plain connection could be an attacker's: caching_sha2_password logins go over TLS
        // (MySQL 8 has TLS on by default, and sslMode PREFERRED uses it) or fail with a clear driver error.
        props.setProperty("allowPublicKeyRetrieval", "false");
        props.setProperty("connectionAttributes", "program_name:blip");
        if (!target.socket().isEmpty()) {
            props.setProperty("socketFactory", UnixSocketFactory.class.getName());
            props.setProperty(UnixSocketFactory.PATH_PROPERTY, target.socket());
            return DriverManager.getConnection("jdbc:mysql://localhost/", props);
        }
        return DriverManager.getConnection(url(), props);
    }

    private String url() {
        String host = target.address().host();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "jdbc:mysql://" + host + ":" + target.address().port() + "/";
    }

    /** Closes the credential source (e.g. its AWS client). */
    @Override
    public void close() {
        try {
            credentials.close();
        } catch (RuntimeException e) {
            LOG.warn("monitor {}: credential source did not close cleanly: {}", monitor.id(), e.getMessage());
        }
    }
}
