package io.blip.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The names a config and its monitor files mention: what tells which on-demand plugins to make. */
class ConfigMentionsTest {
    @TempDir
    Path dir;

    @Test
    void keysAndValuesOfTheConfigAndItsMonitorFiles() throws Exception {
        Files.writeString(dir.resolve("rds.yaml"), """
                monitors:
                  - hostname: db.abc.us-east-1.rds.amazonaws.com
                    aws:
                      auth-token: true
                """);
        Path config = Files.writeString(dir.resolve("blip.yaml"), """
                monitor-loader:
                  files: [rds.yaml, missing.yaml]
                sinks:
                  otlp: {}
                monitors:
                  - hostname: ${HOST}
                    credential-source: aws-secret
                """);

        Set<String> words = ConfigMentions.of(config, Map.of("HOST", "db1"));

        assertTrue(words.containsAll(Set.of("monitor-loader", "sinks", "otlp", "aws-secret", "db1", "aws", "auth-token",
                "rds.yaml")), words.toString());
        assertFalse(words.contains("${HOST}"), "interpolated as loading does");
    }

    @Test
    void aFileThatCannotBeReadMentionsNothing() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "monitors: [\n");
        assertEquals(Set.of(), ConfigMentions.of(config, Map.of()));
        assertEquals(Set.of(), ConfigMentions.of(dir.resolve("none.yaml"), Map.of()));
    }
}
