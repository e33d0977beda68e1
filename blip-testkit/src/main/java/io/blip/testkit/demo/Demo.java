package io.blip.testkit.demo;

import io.blip.api.time.Time;
import io.blip.testkit.EmbeddedMariaDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./dev demo [SECONDS]}: starts an embedded MariaDB with a {@code blip} user and a little
 * data, writes a {@code blip.yaml} for it, and runs the built distribution's {@code bin/blip}
 * against it for the given time (default 30 s), printing metrics every 5 s. Then it stops Blip with
 * SIGTERM, as a service manager would, and the database.
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path blip = findDistribution(Path.of("distribution", "target"));
        System.out.println("demo: starting MariaDB ...");
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start()) {
            String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
            db.createUser("blip", password, "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
            db.execute("CREATE DATABASE IF NOT EXISTS shop",
                    "CREATE TABLE IF NOT EXISTS shop.orders (id INT PRIMARY KEY AUTO_INCREMENT, item VARCHAR(40))",
                    "INSERT INTO shop.orders (item) VALUES ('tea'), ('coffee'), ('cake')");
            Path passwordFile = db.dir().resolve("blip-password");
            Files.writeString(passwordFile, password + "\n");
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            Path config = db.dir().resolve("blip.yaml");
            Files.writeString(config, String.join("\n",
                    "# Written by ./dev demo: one monitor, the default plan, the log sink; the API on a free port.",
                    "api:",
                    "  bind: 127.0.0.1:0",
                    "monitors:",
                    "  - id: demo",
                    "    hostname: " + db.hostPort(),
                    "    username: blip",
                    "    password-file: " + passwordFile,
                    "    tags:",
                    "      env: demo",
                    ""));
            System.out.println("demo: MariaDB on " + db.hostPort() + "; config " + config);
            System.out.println("demo: running " + blip.resolve("bin/blip") + " --config " + config + " for "
                    + seconds + " s");
            Process p = new ProcessBuilder(blip.resolve("bin/blip").toString(), "--config", config.toString(),
                    "--log").inheritIO().start();
            Thread workload = Thread.ofVirtual().start(() -> workload(db));
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroy();
                p.waitFor(15, TimeUnit.SECONDS);
            }
            workload.interrupt();
            System.out.println("demo: blip exited with status " + p.exitValue() + " (143 = stopped by SIGTERM)");
        }
    }

    /** Some queries, so that counters move between collections. */
    private static void workload(EmbeddedMariaDb db) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                db.execute("SELECT COUNT(*) FROM shop.orders", "INSERT INTO shop.orders (item) VALUES ('bun')");
                Time.system().sleep(Duration.ofMillis(200));
            }
        } catch (InterruptedException | IllegalStateException e) {
            // The demo is over.
        }
    }

    private static Path findDistribution(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            try (Stream<Path> dirs = Files.list(target)) {
                List<Path> found = dirs.filter(d -> d.getFileName().toString().startsWith("blip-")
                        && Files.isExecutable(d.resolve("bin/blip"))).toList();
                if (!found.isEmpty()) {
                    return found.getFirst();
                }
            }
        }
        throw new IllegalStateException("no built distribution under " + target.toAbsolutePath()
                + "; run ./dev demo from the repository root (it builds one first)");
    }
}
