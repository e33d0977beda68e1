package io.blip.bench;

import io.blip.api.time.Time;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * bin/blip of the built distribution, run as a user runs it, with config files the harness writes
 * into its temporary directory: one monitor with a one-second level of the domains the exporter
 * collects, or many monitors with Blip's default plan. TLS is off, as for the exporter and the
 * control (the embedded MariaDB offers none anyway). The password is in a file only root can read.
 */
final class Blip {
    static final String LEVEL_PLAN = """
            # One level, every second: what prometheus-mysqld-exporter collects with the benchmark's flags.
            level-1s:
              freq: 1s
              collect:
                status.global:
                  options:
                    all: "yes"
                var.global:
                  options:
                    all: "yes"
                innodb:
                  options:
                    all: enabled
                repl:
                  metrics: [running]
            """;

    private final Distribution dist;
    private final Path dir;
    private final String mysqlHostPort;
    private final Path passwordFile;

    Blip(Distribution dist, Path dir, String mysqlHostPort, String password) throws IOException {
        this.dist = dist;
        this.dir = dir;
        this.mysqlHostPort = mysqlHostPort;
        this.passwordFile = dir.resolve("blip-password");
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    }

    /** The one-monitor config with the one-second level plan and the given sink ({@code noop} or {@code log}). */
    Path oneMonitor(String sink) throws IOException {
        Path plan = dir.resolve("plan-level-1s.yaml");
        Files.writeString(plan, LEVEL_PLAN);
        return write("blip-one-" + sink + ".yaml", header("one monitor, the one-second level, the " + sink + " sink")
                + "plans:\n  files: [" + plan + "]\n"
                + "sinks:\n  " + sink + ": {}\n"
                + "monitors:\n  - id: bench\n    hostname: " + mysqlHostPort + "\n");
    }

    /**
     * One monitor with {@code exporter.mode: legacy} on {@code port}: scrapes only, as mysqld_exporter,
     * of Blip's {@code default-exporter} plan.
     */
    Path legacyExporter(int port) throws IOException {
        return write("blip-legacy-exporter.yaml", header("one monitor serving scrapes only (exporter.mode legacy)")
                + "monitors:\n  - id: bench\n    hostname: " + mysqlHostPort + "\n"
                + "    exporter:\n      mode: legacy\n      flags:\n        web.listen-address: 127.0.0.1:" + port
                + "\n");
    }

    /** {@code n} monitors of the one MariaDB, Blip's default plan (no plan files), the noop sink. */
    Path manyMonitors(int n) throws IOException {
        StringBuilder yaml = new StringBuilder(header(n + " monitors, Blip's default plan, the noop sink"));
        yaml.append("sinks:\n  noop: {}\nmonitors:\n");
        for (int i = 0; i < n; i++) {
            yaml.append(String.format(Locale.ROOT, "  - id: m%04d%n    hostname: %s%n", i, mysqlHostPort));
        }
        return write("blip-many-" + n + ".yaml", yaml.toString());
    }

    private String header(String what) {
        return "# Written by ./dev bench vs-exporter: " + what + "; the API on (as by default), on a free port.\n"
                + "api:\n  bind: 127.0.0.1:0\n"
                + "mysql:\n  username: blip\n  password-file: " + passwordFile + "\n"
                + "tls:\n  disable: true\n";
    }

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /** {@code bin/blip --config X --run=false}: throws with Blip's message unless the config boots. */
    void check(Path config) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(dist.bin().toString(), "--config", config.toString(), "--run=false")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("bin/blip --config " + config + " --run=false failed:\n" + out);
        }
    }

    /**
     * Starts {@code bin/blip --config X [flags]} and waits until it has exec'd java, so that the
     * process's pid is the JVM's.
     */
    Launched start(String name, Path config, List<String> flags, Consumer<Output.Line> onStdout,
                   Consumer<Output.Line> onStderr) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(dist.bin().toString(), "--config", config.toString()));
        command.addAll(flags);
        Launched blip = Launched.start(name, new ProcessBuilder(command), command, onStdout, onStderr);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Proc.exe(blip.pid()).endsWith("/java")) {
            blip.requireAlive();
            if (deadline - System.nanoTime() < 0) {
                blip.close();
                throw new IllegalStateException("bin/blip (pid " + blip.pid() + ") did not exec java within 20 s; "
                        + "it runs " + Proc.exe(blip.pid()));
            }
            Time.system().sleep(Duration.ofMillis(5));
        }
        return blip;
    }

    Distribution distribution() {
        return dist;
    }
}
