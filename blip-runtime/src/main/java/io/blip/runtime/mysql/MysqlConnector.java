package io.blip.runtime.mysql;

import io.blip.api.BlipException;
import io.blip.api.config.HostPort;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import io.blip.api.time.Time;
import io.blip.api.tls.TlsProvider;
import io.blip.runtime.tls.TlsClient;
import io.blip.runtime.tls.TlsMode;
import io.blip.runtime.tls.TlsResolver;
import io.blip.runtime.tls.TlsSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens physical connections to one monitor's MySQL with mysql-connector-j.
 *
 * <p>Credentials are asked of the monitor's credential source for every new connection. When
 * MySQL answers "access denied" (1045), the source is asked again with
 * {@link CredentialReason#ACCESS_DENIED}, TLS files are read again, and the connection is tried
 * once more, so a rotated password or client certificate costs one failed login, not a restart.
 * Calls are serialised: one credential fetch at a time per monitor.
 *
 * <p>TLS ({@link TlsResolver}): the handshake is Blip's own, through {@link TlsSocketFactory}, from
 * certificates held in memory. Before each new connection the TLS files' times and sizes are
 * checked, and changed files are read again, so a renewed certificate needs no restart either.
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
    private final List<TlsProvider> tlsProviders;
    private final Time time;
    /** This connector's key in {@link TlsSocketFactory}'s registry. */
    private final String tlsKey;
    /** The TLS in use; replaced when its files change or access is denied. Guarded by this. */
    private TlsSettings tls;
    /** The user of the last connection: a credential source (e.g. my.cnf) may name another than the config. */
    private volatile String user;

    /** Where to connect: a Unix socket path, else a TCP host and port. */
    private record Target(String socket, HostPort address) {
    }

    /** A connector with no TLS providers (explicit config, my.cnf or PREFERRED), on the system's time. */
    public MysqlConnector(MonitorConfig monitor, CredentialSource credentials, Duration socketTimeout) {
        this(monitor, credentials, socketTimeout, List.of(), Time.system());
    }

    /**
     * @param tlsProviders asked in order when neither the config nor my.cnf sets TLS
     * @param time         what a refused server certificate's validity is judged on
     * @throws BlipException when the target or a TLS file is unusable
     */
    public MysqlConnector(MonitorConfig monitor, CredentialSource credentials, Duration socketTimeout,
                          List<TlsProvider> tlsProviders, Time time) {
        this.monitor = monitor;
        this.credentials = credentials;
        this.socketTimeout = socketTimeout;
        this.target = target(monitor);
        this.tlsProviders = List.copyOf(tlsProviders);
        this.time = time;
        this.tlsKey = TlsSocketFactory.newKey(monitor.id());
        this.user = monitor.mysql().username();
        install(tls(monitor, target, this.tlsProviders));
        LOG.debug("monitor {}: TLS {}", monitor.id(), tls.describe());
        tls.warnings().forEach(w -> LOG.warn("monitor {}: {}", monitor.id(), w));
    }

    /**
     * Checks what can be checked without connecting, so that boot reports it: where to connect, and
     * every TLS file (present, PEM, a certificate, a key that belongs to it).
     */
    public static void check(MonitorConfig monitor, List<TlsProvider> tlsProviders) {
        Target target = target(monitor);
        TlsSettings settings = tls(monitor, target, tlsProviders);
        if (settings.mode() != TlsMode.DISABLED) {
            // Built only to see that the JDK takes the settings; it never handshakes, so never reads the time.
            TlsClient.of(settings, Time.system());
        }
    }

    private static Target target(MonitorConfig monitor) {
        String hostname = monitor.mysql().hostname();
        String socket = monitor.mysql().socket();
        if (hostname.isEmpty() && socket.isEmpty() && !monitor.mysql().mycnf().isEmpty()) {
            Mycnf mycnf = Mycnf.read(Path.of(monitor.mysql().mycnf()));
            hostname = mycnf.hostname();
            socket = mycnf.socket();
        }
        if (!socket.isEmpty()) {
            // A socket takes precedence over TCP, as in Blip. Local socket connections do not use TLS.
            if (monitor.tls().isSet() && !monitor.tls().disable()) {
                throw new BlipException(monitor.origin() + ".tls: TLS is not used over a Unix socket (" + socket
                        + "); remove the tls settings (or set tls.disable: true for this monitor) or connect with"
                        + " hostname");
            }
            return new Target(socket, null);
        }
        if (hostname.isEmpty()) {
            throw new BlipException(monitor.origin() + ": no hostname: set hostname (host or host:port) or socket");
        }
        return new Target("", HostPort.parse(hostname));
    }

    /** The monitor's TLS as its files and providers say now; none over a Unix socket. */
    private static TlsSettings tls(MonitorConfig monitor, Target target, List<TlsProvider> providers) {
        Path mycnfFile = monitor.mysql().mycnf().isEmpty() ? null : Path.of(monitor.mysql().mycnf());
        if (!target.socket().isEmpty()) {
            List<String> warnings = mycnfFile == null ? List.of() : TlsMode.parse(Mycnf.read(mycnfFile).sslMode())
                    .filter(m -> m.compareTo(TlsMode.REQUIRED) >= 0)
                    .map(m -> List.of(mycnfFile + " sets ssl-mode=" + m + ", but Blip uses no TLS over the Unix socket "
                            + target.socket()))
                    .orElse(List.of());
            return new TlsSettings(TlsMode.DISABLED, List.of(), "", null, "", "", "Unix socket " + target.socket(),
                    List.of(), warnings);
        }
        TlsConfig mycnfSsl = mycnfFile == null || monitor.tls().isSet() ? TlsConfig.EMPTY : Mycnf.read(mycnfFile).tls();
        return TlsResolver.resolve(monitor, mycnfFile, mycnfSsl, providers);
    }

    /** Makes {@code settings} the TLS of new connections. */
    private synchronized void install(TlsSettings settings) {
        if (settings.mode() != TlsMode.DISABLED) {
            TlsSocketFactory.register(tlsKey, TlsClient.of(settings, time));
        } else {
            TlsSocketFactory.unregister(tlsKey);
        }
        tls = settings;
    }

    /** The TLS new connections use now. */
    synchronized TlsSettings tls() {
        return tls;
    }

    /** Reads the TLS files (and asks the providers) again. */
    private void reloadTls(String why) throws SQLException {
        try {
            install(tls(monitor, target, tlsProviders));
        } catch (BlipException e) {
            throw new SQLException("monitor " + monitor.id() + ": TLS (" + why + "): " + e.getMessage(), "08000", e);
        }
        LOG.info("monitor {}: TLS read again ({}): {}", monitor.id(), why, tls.describe());
        tls.warnings().forEach(w -> LOG.warn("monitor {}: {}", monitor.id(), w));
    }

    /** {@code blip:...@tcp(db:3306)/}: the DSN with the password replaced, as Blip shows it. */
    public String redactedDsn() {
        String where = target.socket().isEmpty() ? "tcp(" + target.address() + ")" : "unix(" + target.socket() + ")";
        return user + ":...@" + where + "/";
    }

    /** Opens a new physical connection, asking for fresh credentials once if access is denied. */
    public synchronized Connection connect() throws SQLException {
        if (tls.filesChanged()) {
            reloadTls("a TLS file changed");
        }
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
            reloadTls("access denied");
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
        String sslMode = tls.mode().driverSslMode();
        if (c.requiresTls()) {
            if (tls.mode() == TlsMode.DISABLED) {
                throw new SQLException("monitor " + monitor.id() + ": the credential source requires TLS but TLS is "
                        + (target.socket().isEmpty() ? "disabled (" + tls.source() + ")"
                        : "not used over a Unix socket; connect with hostname"), "28000");
            }
            sslMode = "REQUIRED";
        }
        Properties props = new Properties();
        props.setProperty("user", c.username());
        props.setProperty("password", c.password().reveal());
        props.setProperty("sslMode", sslMode);
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
        if (tls.mode() != TlsMode.DISABLED) {
            props.setProperty("socketFactory", TlsSocketFactory.class.getName());
            props.setProperty(TlsSocketFactory.KEY_PROPERTY, tlsKey);
        }
        try {
            return DriverManager.getConnection(url(), props);
        } catch (SQLException e) {
            throw tlsFailure(e);
        }
    }

    /** The driver's "Communications link failure" with the TLS reason Blip found, when there is one. */
    private SQLException tlsFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsClient.TlsHandshakeException h) {
                return new SQLException("monitor " + monitor.id() + ": " + h.getMessage(), e.getSQLState(),
                        e.getErrorCode(), e);
            }
        }
        return e;
    }

    private String url() {
        String host = target.address().host();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "jdbc:mysql://" + host + ":" + target.address().port() + "/";
    }

    /** Forgets this connector's TLS and closes the credential source (e.g. its AWS client). */
    @Override
    public void close() {
        TlsSocketFactory.unregister(tlsKey);
        try {
            credentials.close();
        } catch (RuntimeException e) {
            LOG.warn("monitor {}: credential source did not close cleanly: {}", monitor.id(), e.getMessage());
        }
    }
}
