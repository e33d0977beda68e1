package io.blip.runtime;

import io.blip.api.time.Time;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The run bin/blip makes once per JDK to fill the JVM's ahead-of-time cache ({@code -XX:AOTCacheOutput}):
 * it goes the way a real start goes, so that the classes of that way are in the cache. Boot with
 * every plugin, a config with one monitor and Blip's default plan, the monitor's first attempt to
 * connect (to a port nothing listens on, so the driver's connection classes load too), then stop;
 * then the classes a real start loads past that point ({@code aot-classes.txt}), by name.
 *
 * <p>The API is bound, as at a real start, but not asked: the JVM loads every class of the cache at
 * start, so each costs memory in every process, and the classes of a request (the HTTP exchange,
 * the time-zone names of its {@code Date} header, the handlers) are loaded by the first request
 * instead, if one comes (asking once made the cache 1.5 MB bigger and RSS as much higher).
 */
final class AotTraining {
    /** The most the monitor's first attempt to connect is given. */
    private static final Duration ATTEMPT = Duration.ofSeconds(10);

    private AotTraining() {
    }

    static int run(Path pluginsDir) {
        try {
            Path dir = Files.createTempDirectory("blip-aot-training-");
            try {
                return train(pluginsDir, dir);
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (Exception e) {
            return Cli.EXIT_ERROR;
        }
    }

    private static int train(Path pluginsDir, Path dir) throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Path config = dir.resolve("blip.yaml");
        Files.writeString(config, """
                api:
                  bind: 127.0.0.1:0
                sinks:
                  noop: {}
                monitors:
                  - id: training
                    hostname: 127.0.0.1:%d
                    username: blip
                    password: training
                """.formatted(closedPort));
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        var options = new CliOptions(config, pluginsDir, false, false, false, false, false, false, false, true);
        Time time = Time.system();
        try (Server server = Server.boot(options, Map.of(), nowhere, time)) {
            Object attempted = new Object();
            boolean[] done = {false}; // guarded by attempted
            server.monitors().getFirst().nextHealth().whenComplete((health, e) -> {
                synchronized (attempted) {
                    done[0] = true;
                    attempted.notifyAll();
                }
            });
            server.run();
            long deadline = time.nanoTime() + ATTEMPT.toNanos();
            synchronized (attempted) {
                while (!done[0] && deadline - time.nanoTime() > 0) {
                    time.await(attempted, deadline);
                }
            }
        }
        loadClassesOfARealStart();
        return 0;
    }

    /** The classes of {@code aot-classes.txt}, loaded (not initialised); a name that no longer exists is skipped. */
    static int loadClassesOfARealStart() throws IOException {
        ClassLoader loader = AotTraining.class.getClassLoader();
        int loaded = 0;
        for (String name : classesOfARealStart()) {
            try {
                Class.forName(name, false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // Renamed or gone in this JDK or driver: the cache is only the smaller for it.
            }
        }
        return loaded;
    }

    static List<String> classesOfARealStart() throws IOException {
        try (InputStream in = AotTraining.class.getResourceAsStream("aot-classes.txt")) {
            if (in == null) {
                throw new IOException("aot-classes.txt is missing from blip-runtime");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        }
    }
}
