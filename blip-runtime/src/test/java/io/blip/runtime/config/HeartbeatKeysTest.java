package io.blip.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blip.api.config.HeartbeatConfig;
import io.blip.testkit.LogEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code heartbeat} section: what turns the writer on, what is refused, and Blip's documented {@code source}. */
class HeartbeatKeysTest {
    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        return Files.writeString(dir.resolve("blip.yaml"), text);
    }

    private List<String> problems(String text) throws Exception {
        Path file = write(text);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, TestDeclarations.context(Map.of())))
                .problems();
    }

    private List<HeartbeatConfig> heartbeats(String text) throws Exception {
        return ConfigLoader.load(write(text), TestDeclarations.context(Map.of())).monitors().stream()
                .map(m -> m.heartbeat()).toList();
    }

    @Test
    void freqTurnsTheWriterOnWithBlipsDefaults() throws Exception {
        assertEquals(List.of(new HeartbeatConfig("2s", "", "", "blip.heartbeat"), HeartbeatConfig.EMPTY), heartbeats("""
                monitors:
                  - id: db1
                    hostname: db1
                    heartbeat:
                      freq: 2s
                  - id: db2
                    hostname: db2
                """));
    }

    @Test
    void blipsDocumentedSourceIsSourceIdWithAWarningWhereItIsWritten() throws Exception {
        try (LogEvents log = new LogEvents(Keys.class)) {
            assertEquals(List.of(new HeartbeatConfig("2s", "node-db1", "", "blip.heartbeat"),
                            new HeartbeatConfig("2s", "own", "", "blip.heartbeat")), heartbeats("""
                    heartbeat:
                      freq: 2s
                      source: node-%{monitor.id}
                    monitors:
                      - id: db1
                        hostname: db1
                      - id: db2
                        hostname: db2
                        heartbeat:
                          source-id: own
                    """));
            assertEquals(List.of("WARN " + dir.resolve("blip.yaml") + ":3: heartbeat.source: deprecated spelling"
                    + " (Blip's docs); write source-id instead"), log.all());
        }
    }

    @Test
    void refusedValuesSayWhatToWrite() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(
                        file + ":5: monitors[0].heartbeat.source: source and source-id are both set; source is the older"
                                + " spelling of source-id: keep source-id only",
                        file + ":10: monitors[1].heartbeat: freq is not set but source-id and table are; set freq"
                                + " (e.g. 1s) to turn the heartbeat on, or remove the other heartbeat keys",
                        file + ":16: monitors[2].heartbeat.freq: '0': must be greater than zero; to turn the heartbeat"
                                + " off, remove freq",
                        file + ":20: monitors[3].heartbeat.freq: '70s': must be at most 65535ms (the table's freq"
                                + " column holds milliseconds in a smallint unsigned); 2s is the recommended frequency",
                        file + ":21: monitors[3].heartbeat.table: 'blip.heart-beat' is not a table name; write"
                                + " database.table or table (in database blip), e.g. blip.heartbeat"),
                problems("""
                        monitors:
                          - id: db1
                            hostname: db1
                            heartbeat:
                              source: a
                              source-id: b
                              freq: 1s
                          - id: db2
                            hostname: db2
                            heartbeat:
                              source-id: b
                              table: hb
                          - id: db3
                            hostname: db3
                            heartbeat:
                              freq: 0
                          - id: db4
                            hostname: db4
                            heartbeat:
                              freq: 70s
                              table: blip.heart-beat
                        """));
    }
}
