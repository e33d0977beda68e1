package io.blip.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every secret of the soak looked for in everything bin/blip wrote or answered: its stdout and stderr,
 * every API answer the harness fetched, {@code --print-config}, and the attributes the receiver saw.
 */
final class SoakSecrets {
    static final List<String> SCANNED = List.of("blip-stdout.log", "blip-stderr.log", "api-answers.log",
            "print-config.txt", "receiver-attributes.txt");

    private SoakSecrets() {
    }

    /** Per file scanned, its size in bytes and the secrets found in it (occurrences). */
    record Scan(Map<String, Long> bytes, Map<String, Long> hits, int secrets) {
        long total() {
            return hits.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static Scan scan(Path dir, List<String> passwords, String headerSecret) throws IOException {
        List<String> secrets = Stream.concat(passwords.stream(), Stream.of(headerSecret)).toList();
        Map<String, Long> bytes = new TreeMap<>();
        Map<String, Long> hits = new TreeMap<>();
        for (String name : SCANNED) {
            Path file = dir.resolve(name);
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            bytes.put(name, (long) text.length());
            long found = 0;
            for (String secret : secrets) {
                for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
                    found++;
                }
            }
            hits.put(name, found);
        }
        return new Scan(bytes, hits, secrets.size());
    }
}
