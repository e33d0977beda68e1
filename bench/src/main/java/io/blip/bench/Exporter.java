package io.blip.bench;

import io.blip.testkit.DebianPackage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real {@code prometheus-mysqld-exporter}, Debian's package (0.14 on bookworm), installed with
 * apt-get when missing: a run without it is not evidence. For the benchmark it collects what Blip's
 * level collects: global status, global variables, replica status (its defaults) and the enabled
 * InnoDB metrics, and none of its other default collectors ({@link #COLLECTORS}); the fixture
 * recorder chooses its own flags. 0.14 reads the DSN from {@code DATA_SOURCE_NAME}, or the
 * credentials from a my.cnf file ({@code --config.my-cnf}).
 */
final class Exporter {
    static final Path BINARY = Path.of("/usr/bin/prometheus-mysqld-exporter");
    static final String PACKAGE = "prometheus-mysqld-exporter";
    static final List<String> COLLECTORS = List.of("--collect.info_schema.innodb_metrics",
            "--no-collect.info_schema.innodb_cmp", "--no-collect.info_schema.innodb_cmpmem",
            "--no-collect.info_schema.query_response_time");

    private final String versionOutput;

    private Exporter(String versionOutput) {
        this.versionOutput = versionOutput;
    }

    /**
     * The installed exporter, installing Debian's package first if it is missing.
     *
     * @param who what is running, the prefix of what this prints, e.g. {@code vs-exporter}
     * @param why what the exporter is needed for, a sentence for the error when it cannot be installed
     */
    static Exporter ensureInstalled(String who, String why) throws IOException, InterruptedException {
        DebianPackage.ensure(PACKAGE, who, () -> Files.isExecutable(BINARY), why + " (Or put a 0.14 build at "
                + BINARY + ".)");
        Process p = new ProcessBuilder(BINARY.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return new Exporter(out);
    }

    /** What {@code --version} says: the version line and the Go version. */
    String version() {
        return versionOutput.lines().map(String::strip)
                .filter(l -> l.startsWith("mysqld_exporter") || l.startsWith("go version"))
                .reduce((a, b) -> a + "; " + b).orElse(versionOutput.strip());
    }

    /** The first line of {@code --version}, e.g. {@code mysqld_exporter, version 0.14.0 (branch: ...)}. */
    String versionLine() {
        return versionOutput.lines().findFirst().orElse("").strip();
    }

    /**
     * Starts the exporter on a free loopback port with the benchmark's {@link #COLLECTORS}, the DSN in
     * its environment; its {@code /metrics} is at {@link Running#metricsUrl()}.
     */
    Running start(String name, String user, String password, String mysqlHostPort) throws IOException {
        String dsn = "%s:%s@tcp(%s)/";
        return launch(name, COLLECTORS, Map.of("DATA_SOURCE_NAME", dsn.formatted(user, password, mysqlHostPort)),
                List.of("DATA_SOURCE_NAME='" + dsn.formatted(user, "...", mysqlHostPort) + "'"));
    }

    /**
     * Starts the exporter on a free loopback port with {@code flags}, reading the credentials from
     * {@code myCnf} ({@code [client]} with user, password, host and port).
     */
    Running start(String name, Path myCnf, List<String> flags) throws IOException {
        List<String> all = new ArrayList<>(List.of("--config.my-cnf=" + myCnf));
        all.addAll(flags);
        return launch(name, all, Map.of(), List.of());
    }

    private Running launch(String name, List<String> flags, Map<String, String> env, List<String> shownEnv)
            throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port));
        command.addAll(flags);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        List<String> shown = new ArrayList<>(shownEnv);
        shown.addAll(command);
        Launched process = Launched.start(name, pb, shown, line -> { }, line -> { });
        return new Running(process, "http://127.0.0.1:" + port + "/metrics");
    }

    /** A running exporter. */
    record Running(Launched process, String metricsUrl) implements AutoCloseable {
        @Override
        public void close() {
            process.close();
        }
    }

    /** A port nobody listens on now; the exporter binds it a moment later. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The exporter's own view of its last scrape, from the metrics it serves: did every collector succeed? */
    static String health(Map<String, String> lastSamples) {
        List<String> problems = new ArrayList<>();
        if (!"1".equals(lastSamples.get("mysql_up"))) {
            problems.add("mysql_up " + lastSamples.get("mysql_up"));
        }
        if (!"0".equals(lastSamples.get("mysql_exporter_last_scrape_error"))) {
            problems.add("mysql_exporter_last_scrape_error " + lastSamples.get("mysql_exporter_last_scrape_error"));
        }
        lastSamples.forEach((k, v) -> {
            if (k.startsWith("mysql_exporter_collector_success") && !"1".equals(v)) {
                problems.add(k + " " + v);
            }
        });
        return problems.isEmpty() ? "ok (mysql_up 1, no scrape error, every collector succeeded)"
                : String.join(", ", problems);
    }
}
