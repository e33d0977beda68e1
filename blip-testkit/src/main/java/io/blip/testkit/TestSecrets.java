package io.blip.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every secret the tests make (passwords, tokens, API keys, secret values a fake hands out), by a label, so
 * that {@link SecretScan} can look for each in what the reliability suite wrote (R26) and name it by its label
 * alone. A test registers a secret where it makes it: {@code String PASSWORD = TestSecrets.secret("Rig.PASSWORD",
 * "rel-pw")}. Each is kept in {@code target/reliability/secrets/<label>.hex} as the hex of its UTF-8 bytes, so
 * the module's later scans (and R26's over every module) know it, and the file does not itself hold the secret.
 */
public final class TestSecrets {
    /** Below this length a secret would match ordinary text. */
    static final int SHORTEST = 6;
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Map<String, String> SECRETS = new ConcurrentHashMap<>();

    private TestSecrets() {
    }

    /**
     * Registers {@code value} as a secret under {@code label} and returns it.
     *
     * @param label what names it in a scan's findings, e.g. {@code MariaDbServer.ADMIN_PASSWORD}
     * @param value the secret, at least {@value #SHORTEST} characters
     */
    public static String secret(String label, String value) {
        if (!LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("a secret's label is letters, digits, '.', '_' and '-': " + label);
        }
        if (value.length() < SHORTEST) {
            throw new IllegalArgumentException(label + ": a test secret has at least " + SHORTEST
                    + " characters, or a scan finds it in ordinary text");
        }
        String before = SECRETS.putIfAbsent(label, value);
        if (before != null && !before.equals(value)) {
            throw new IllegalArgumentException("two secrets under one label: " + label);
        }
        if (before == null) {
            persist(label, value);
        }
        return value;
    }

    /** The directory of a module's secrets, under its {@code target/reliability/}. */
    public static Path dir(Path reliability) {
        return reliability.resolve("secrets");
    }

    /** The secrets this JVM registered and those kept under {@code reliability}, by label. */
    public static Map<String, String> known(Path reliability) {
        Map<String, String> all = new TreeMap<>(read(reliability));
        all.putAll(SECRETS);
        return all;
    }

    /** The secrets kept under a module's {@code target/reliability/}, by label. */
    public static Map<String, String> read(Path reliability) {
        Map<String, String> all = new TreeMap<>();
        Path dir = dir(reliability);
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".hex")).toList()) {
                String name = f.getFileName().toString();
                all.put(name.substring(0, name.length() - ".hex".length()), new String(
                        HexFormat.of().parseHex(Files.readString(f).strip()), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    private static void persist(String label, String value) {
        Path dir = dir(Reliability.dir());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(label + ".hex"),
                    HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
