package io.blip.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Looks for every test secret ({@link TestSecrets}) in the files under directories (a module's
 * {@code target/reliability/}, its {@link TraceCapture} output and figures), line by line. A finding names
 * the file, the line and the secret's label, never the secret. The secrets' own directory is not scanned.
 */
public final class SecretScan {
    private SecretScan() {
    }

    /** A secret seen: where, and which by its label. */
    public record Hit(Path file, long line, String label) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + label;
        }
    }

    /** What a scan read and found. */
    public record Result(int files, long lines, long bytes, int secrets, List<Hit> hits) {
        /** An assertion's message: every hit, one a line. */
        public String findings() {
            var b = new StringBuilder(hits.size() + " test secret(s) found in what the tests wrote (R26):");
            hits.forEach(h -> b.append("\n  ").append(h));
            return b.toString();
        }
    }

    /**
     * Scans every file under {@code roots} (those that exist) for each of {@code secrets}.
     *
     * @param secrets the secrets by label
     */
    public static Result scan(List<Path> roots, Map<String, String> secrets) {
        int files = 0;
        long lines = 0;
        long bytes = 0;
        List<Hit> hits = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            Path kept = TestSecrets.dir(root);
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path f : walk.filter(Files::isRegularFile).filter(f -> !f.startsWith(kept)).sorted().toList()) {
                    byte[] content = Files.readAllBytes(f);
                    files++;
                    bytes += content.length;
                    long n = 0;
                    for (String line : (Iterable<String>) new String(content, StandardCharsets.UTF_8).lines()::iterator) {
                        n++;
                        for (Map.Entry<String, String> s : secrets.entrySet()) {
                            if (line.contains(s.getValue())) {
                                hits.add(new Hit(f, n, s.getKey()));
                            }
                        }
                    }
                    lines += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Result(files, lines, bytes, secrets.size(), List.copyOf(hits));
    }
}
