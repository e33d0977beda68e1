package io.blip.runtime.mysql;

import io.blip.api.BlipException;
import io.blip.api.config.Address;
import io.blip.api.config.MonitorConfig;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import io.blip.api.time.Time;
import io.blip.api.tls.TlsProvider;
import io.blip.runtime.config.HostPort;
import io.blip.runtime.config.MycnfFiles;
import io.blip.runtime.event.Event;
import io.blip.runtime.tls.TlsClient;
import io.blip.runtime.tls.TlsMode;
import io.blip.runtime.tls.TlsSettings;
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
 * <p>Driver settings are pinned safe: no {@code LOAD DATA LOCAL}, no multi-statements, no Java
 * deserialisation, no public key fetched in the clear, no driver telemetry, bounded connect and socket
 * timeouts. No config path reaches them: the URL holds only a checked host and port.
 */
public final class MysqlConnector implements AutoCloseable {
    /** MySQL's "Access denied for user" error. */
    public static final int ER_ACCESS_DENIED = 1045;

    private static final Logger LOG = LoggerFactory.getLogger(MysqlConnector.class);
    /** The driver's system property that turns its abandoned-connection thread off. */
    static final String NO_ABANDONED_CLEANUP = "com.mysql.cj.disableAbandonedConnectionCleanup";

    static {
        // The driver keeps a thread that closes connections nobody closed, and a phantom reference per
        // connection for it. Blip closes every connection it opens (MonitorPool): the thread and the
        // bookkeeping are waste. Set before the driver's first connection; a user's -D wins.
        if (System.getProperty(NO_ABANDONED_CLEANUP) == null) {
            System.setProperty(NO_ABANDONED_CLEANUP, "true");
        }
    }

    private final MonitorConfig monitor;
    private final CredentialSource credentials;
    private final Duration socketTimeout;
    private final List<TlsProvider> tlsProviders;
    private final MycnfFiles mycnf;
    private final Time time;
    /** This connector's key in {@link TlsSocketFactory}'s registry. */
    private final String tlsKey;
    /** Where and how to connect; its TLS is replaced when the TLS files change or access is denied. Guarded by this. */
    private ConnectionTarget target;
    /** The user of the last connection: a credential source (e.g. my.cnf) may name another than the config. */
    private volatile String user;

    /**
     * @param target       resolved at boot, with its TLS client
     * @param tlsProviders asked again, in order, when TLS is read again and neither config nor my.cnf sets it
     * @param mycnf        the boot's my.cnf files, for reading TLS again
     * @param time         what a refused server certificate's validity is judged on when TLS is read again
     */
    public MysqlConnector(ConnectionTarget target, CredentialSource credentials, Duration socketTimeout,
                          List<TlsProvider> tlsProviders, MycnfFiles mycnf, Time time) {
        this.monitor = target.monitor();
        this.credentials = credentials;
        this.socketTimeout = socketTimeout;
        this.tlsProviders = List.copyOf(tlsProviders);
        this.mycnf = mycnf;
        this.time = time;
        this.tlsKey = TlsSocketFactory.newKey(monitor.id());
        this.user = monitor.mysql().username();
        install(target);
        LOG.debug("monitor {}: TLS {}", monitor.id(), target.tls().describe());
        target.tls().warnings().forEach(w -> LOG.warn("monitor {}: {}", monitor.id(), w));
    }

    /** Makes {@code next}'s TLS client the one new connections use. */
    private synchronized void install(ConnectionTarget next) {
        if (next.client() != null) {
            TlsSocketFactory.register(tlsKey, next.client());
        } else {
            TlsSocketFactory.unregister(tlsKey);
        }
        target = next;
    }

    /** The TLS new connections use now. */
    synchronized TlsSettings tls() {
        return target.tls();
    }

    /** Reads the TLS files (and asks the providers) again. */
    private void reloadTls(String why) throws SQLException {
        try {
            install(target.reloadTls(mycnf, tlsProviders, time));
        } catch (BlipException e) {
            throw new SQLException("monitor " + monitor.id() + ": TLS (" + why + "): " + e.getMessage(), "08000", e);
        }
        LOG.info("monitor {}: TLS read again ({}): {}", monitor.id(), why, target.tls().describe());
        target.tls().warnings().forEach(w -> LOG.warn("monitor {}: {}", monitor.id(), w));
    }

    /** {@code blip:...@tcp(db:3306)/}: the DSN with the password replaced, as Blip shows it. */
    public String redactedDsn() {
        Address address = monitor.address();
        return user + ":...@" + (address.isSocket() ? address.toString() : "tcp(" + address + ")") + "/";
    }

    /**
     * Opens a new physical connection; when access is denied, asks the credential source once more and
     * logs in again only if that gave other credentials (one login per attempt while they are unchanged).
     */
    public synchronized Connection connect() throws SQLException {
        if (target.tls().filesChanged()) {
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
            Credentials fresh;
            try {
                fresh = ask(CredentialReason.ACCESS_DENIED);
            } catch (SQLException again) {
                LOG.warn("{}: monitor {}: {}", Event.DB_RELOAD_PASSWORD_ERROR, monitor.id(), again.getMessage());
                throw again;
            }
            reloadTls("access denied");
            if (fresh.equals(c)) {
                throw e; // the same user and password: a second login would only be denied again
            }
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
        TlsSettings tls = target.tls();
        Address address = monitor.address();
        String sslMode = tls.mode().driverSslMode();
        if (c.requiresTls()) {
            if (tls.mode() == TlsMode.DISABLED) {
                throw new SQLException("monitor " + monitor.id() + ": the credential source requires TLS but TLS is "
                        + (!address.isSocket() ? "disabled (" + tls.source() + ")"
                        : "not used over a Unix socket; connect with hostname"), "28000");
            }
            if (tls.mode() == TlsMode.PREFERRED) {
                // PREFERRED is what Blip falls back to when nothing is said; a token or a secret from AWS does not
                // go to whatever server answers. An explicit tls.skip-verify or my.cnf ssl-mode=REQUIRED still may.
                throw new SQLException("monitor " + monitor.id() + ": the credential source's password (e.g. an AWS"
                        + " IAM token) goes only to a verified server, but nothing sets this monitor's TLS"
                        + " (no tls.*, my.cnf ssl-*, or TLS provider); set tls.ca (plugins/tls-rds/ sets the Amazon"
                        + " RDS CA unless aws.disable-auto-tls), or tls.skip-verify: true to send it unverified",
                        "28000");
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
        props.setProperty("autoDeserialize", "false");
        props.setProperty("autoReconnect", "false");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("openTelemetry", "DISABLED");
        // A collection runs the same few statements every time: the driver keeps each one prepared
        // (parsed once) per connection, and skips per-statement bookkeeping Blip does not use: time
        // stamps of every packet, a set of every open statement, round trips to read session state.
        // Not cacheResultSetMetadata: it keeps every column's definition per statement and connection
        // (some 25 KiB a monitor with the default plan) to skip parsing a few dozen per collection.
        props.setProperty("cachePrepStmts", "true");
        props.setProperty("maintainTimeStats", "false");
        props.setProperty("dontTrackOpenResources", "true");
        props.setProperty("useLocalSessionState", "true");
        // A key fetched over a plain connection could be an attacker's: caching_sha2_password logins go over TLS
        // (MySQL 8 has TLS on by default, and sslMode PREFERRED uses it) or fail with a clear driver error.
        props.setProperty("allowPublicKeyRetrieval", "false");
        props.setProperty("connectionAttributes", "program_name:blip");
        if (address.isSocket()) {
            props.setProperty("socketFactory", UnixSocketFactory.class.getName());
            props.setProperty(UnixSocketFactory.PATH_PROPERTY, address.socket());
            return DriverManager.getConnection("jdbc:mysql://localhost/", props);
        }
        if (tls.mode() != TlsMode.DISABLED) {
            props.setProperty("socketFactory", TlsSocketFactory.class.getName());
            props.setProperty(TlsSocketFactory.KEY_PROPERTY, tlsKey);
        }
        try {
            return DriverManager.getConnection(url(address), props);
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

    /** The driver's URL: a host and port, nothing more (the host's check again, for monitor loaders' addresses). */
    private String url(Address address) throws SQLException {
        if (!HostPort.isHost(address.host())) {
            throw new SQLException("monitor " + monitor.id() + ": '" + address.host() + "' is not a host name or IP"
                    + " address", "08001");
        }
        return "jdbc:mysql://" + address + "/";
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
