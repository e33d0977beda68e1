package io.blip.bench;

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
 * apt-get when missing: a run without it is not evidence. It collects what Blip's level collects:
 * global status, global variables, replica status (its defaults) and the enabled InnoDB metrics, and
 * none of its other default collectors. 0.14 reads the DSN from {@code DATA_SOURCE_NAME}.
 */
final class Exporter {
    static final Path BINARY = Path.of("/usr/bin/prometheus-mysqld-exporter");
    static final String PACKAGE = "prometheus-mysqld-exporter";
    static final List<String> COLLECTORS = List.of("--collect.info_schema.innodb_metrics",
            "--no-collect.info_schema.innodb_cmp", "--no-collect.info_schema.innodb_cmpmem",
            "--no-collect.info_schema.query_response_time");

    private final String version;

    private Exporter(String version) {
        this.version = version;
    }

    /** The installed exporter, installing Debian's package first if it is missing. */
    static Exporter ensureInstalled() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            System.out.println("vs-exporter: " + BINARY + " is missing; apt-get install -y " + PACKAGE);
            int status = apt("install", "-y", PACKAGE);
            if (status != 0) {
                System.out.println("vs-exporter: apt-get install failed (" + status + "); apt-get update, then again");
                apt("update");
                status = apt("install", "-y", PACKAGE);
            }
            if (status != 0 || !Files.isExecutable(BINARY)) {
                throw new IllegalStateException("prometheus-mysqld-exporter is not installed, and apt-get install -y "
                        + PACKAGE + " failed (exit " + status + "). The benchmark compares bin/blip with it: without "
                        + "it a run is no evidence. Install it (as root: apt-get install " + PACKAGE
                        + ", or put a 0.14 build at " + BINARY + ") and run again.");
            }
        }
        return new Exporter(versionOf());
    }

    private static int apt(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("apt-get"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        return pb.start().waitFor();
    }

    /** What {@code --version} says: the version line and the Go version. */
    private static String versionOf() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BINARY.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().map(String::strip).filter(l -> l.startsWith("mysqld_exporter") || l.startsWith("go version"))
                .reduce((a, b) -> a + "; " + b).orElse(out.strip());
    }

    String version() {
        return version;
    }

    /** Starts the exporter on a free loopback port; its {@code /metrics} is at {@link Running#metricsUrl()}. */
    Running start(String name, String user, String password, String mysqlHostPort) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port));
        command.addAll(COLLECTORS);
        ProcessBuilder pb = new ProcessBuilder(command);
        String dsn = "%s:%s@tcp(%s)/";
        pb.environment().put("DATA_SOURCE_NAME", dsn.formatted(user, password, mysqlHostPort));
        List<String> shown = new ArrayList<>(List.of("DATA_SOURCE_NAME='" + dsn.formatted(user, "...", mysqlHostPort)
                + "'"));
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
