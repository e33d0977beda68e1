package io.blip.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The soak's files for bin/blip: the password file (rewritten by a rotation), the plan (Blip's
 * built-in default plan, as {@code --print-plans} prints it, plus a 1 s level), the monitors file
 * (rewritten by a reload fault) and the config, which sends to the soak's receiver with a secret header.
 */
final class SoakSetup {
    static final String USER = "blip";
    /** The 1 s level: a few metrics of status.global that no level of the default plan collects. */
    static final String FAST_LEVEL = """
            fast:
              freq: 1s
              collect:
                status.global:
                  metrics: [uptime, questions, open_tables, open_files, threads_cached]
            """;
    /** Every this many monitors, one is removed and added again by the reload fault. */
    private static final int REMOVABLE_EVERY = 40;

    private final Path dir;
    private final int monitors;
    private final String mysqlHostPort;
    private final String password;
    private final String headerSecret;
    private final Path passwordFile;
    private final Path monitorsFile;

    SoakSetup(Path dir, int monitors, String mysqlHostPort) throws IOException {
        this.dir = dir;
        this.monitors = monitors;
        this.mysqlHostPort = mysqlHostPort;
        this.password = secret();
        this.headerSecret = secret();
        this.passwordFile = dir.resolve("blip-password");
        this.monitorsFile = dir.resolve("monitors.yaml");
        writePassword(password);
        writeMonitors(List.of());
    }

    private static String secret() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    String password() {
        return password;
    }

    String headerSecret() {
        return headerSecret;
    }

    List<String> monitorIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < monitors; i++) {
            ids.add(String.format(Locale.ROOT, "m%03d", i));
        }
        return ids;
    }

    /** The monitors the reload fault removes and adds again. */
    List<String> removable() {
        List<String> ids = monitorIds();
        List<String> some = new ArrayList<>();
        for (int i = REMOVABLE_EVERY / 2; i < ids.size(); i += REMOVABLE_EVERY) {
            some.add(ids.get(i));
        }
        return some;
    }

    /** The password file, replaced at once (a rename), readable by its owner alone. */
    void writePassword(String value) throws IOException {
        Path next = dir.resolve("blip-password.next");
        Files.writeString(next, value + "\n");
        Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
        Files.move(next, passwordFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The monitors file with every monitor but {@code without}. */
    void writeMonitors(List<String> without) throws IOException {
        StringBuilder yaml = new StringBuilder("monitors:\n");
        for (String id : monitorIds()) {
            if (!without.contains(id)) {
                yaml.append("  - id: ").append(id).append("\n    hostname: ").append(mysqlHostPort).append('\n');
            }
        }
        Path next = dir.resolve("monitors.yaml.next");
        Files.writeString(next, yaml, StandardCharsets.UTF_8);
        Files.move(next, monitorsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The plan file: {@code defaultPlan} (the levels of {@code --print-plans}' default-mysql) and the 1 s level. */
    Path plan(String defaultPlan) throws IOException {
        Path plan = dir.resolve("soak-plan.yaml");
        Files.writeString(plan, "# Blip's built-in default plan (default-mysql), and a 1 s level\n" + defaultPlan
                + FAST_LEVEL, StandardCharsets.UTF_8);
        return plan;
    }

    /** A config with no monitors and no auto-detection, for {@code --print-plans}. */
    Path noMonitors() throws IOException {
        Path config = dir.resolve("no-monitors.yaml");
        Files.writeString(config, "monitor-loader:\n  local:\n    disable-auto: true\n", StandardCharsets.UTF_8);
        return config;
    }

    Path config(Path plan, int apiPort, String otlpEndpoint) throws IOException {
        Path config = dir.resolve("blip.yaml");
        Files.writeString(config, """
                # Written by ./dev soak.
                api:
                  bind: 127.0.0.1:%d
                mysql:
                  username: %s
                  password-file: %s
                tls:
                  disable: true
                plans:
                  files: [%s]
                sinks:
                  otlp:
                    endpoint: %s
                    headers: x-soak-key=%s
                    health: "false"
                monitor-loader:
                  files: [%s]
                """.formatted(apiPort, USER, passwordFile, plan, otlpEndpoint, headerSecret, monitorsFile),
                StandardCharsets.UTF_8);
        return config;
    }
}
