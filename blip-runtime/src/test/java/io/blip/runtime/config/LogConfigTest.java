package io.blip.runtime.config;

import ch.qos.logback.classic.Level;
import io.blip.runtime.config.ConfigNode.MapNode;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config's {@code logging} section: its values, every bad one a problem, and the secrets it masks. */
class LogConfigTest {
    private static LogConfig read(String yaml) throws ConfigException {
        MapNode top = (MapNode) ConfigTree.readYaml(yaml, "blip.yaml");
        var problems = new Problems();
        LogConfig log = LogConfig.read(top.map("logging"), top, problems);
        problems.throwIfAny();
        return log;
    }

    @Test
    void readsLevelsFormatAndQuiet() throws ConfigException {
        LogConfig log = read("""
                logging:
                  level: warn
                  levels: {io.blip.runtime.delivery: debug, software.amazon.awssdk: "off"}
                  format: json
                  quiet: true
                """);
        assertEquals(Level.WARN, log.level());
        assertEquals(Map.of("io.blip.runtime.delivery", Level.DEBUG, "software.amazon.awssdk", Level.OFF), log.levels());
        assertTrue(log.json());
        assertTrue(log.quiet());
        assertEquals(LogConfig.DEFAULT, read("mysql: {username: u}\n"));
        assertEquals("{level=warn, levels={io.blip.runtime.delivery=debug, software.amazon.awssdk=off}, format=json,"
                + " quiet=true}", log.printed().toString());
    }

    @Test
    void everyBadValueIsAProblemAtItsLine() {
        var e = assertThrows(ConfigException.class, () -> read("""
                logging:
                  level: loud
                  levels: {io.blip: verbose}
                  format: xml
                  quiet: maybe
                """));
        assertEquals("""
                blip.yaml:2: logging.level: not a log level; one of trace, debug, info, warn, error, off
                blip.yaml:3: logging.levels.io.blip: not a log level; one of trace, debug, info, warn, error, off
                blip.yaml:4: logging.format: 'xml' is not a log format; text or json
                blip.yaml:5: logging.quiet: 'maybe' is not true or false""", e.getMessage());
    }

    @Test
    void theSecretsAreTheValuesOfSecretKeysButNotTheirFiles() throws ConfigException {
        LogConfig log = read("""
                mysql: {username: blip, password: pw-1234, password-file: /etc/blip/pw}
                sinks:
                  datadog: {api-key: dd-key-5678, app-key: x}
                  otlp: {headers: {Authorization: "Bearer tok-9"}}
                monitors:
                  - {id: db1, password: other-pw}
                """);
        assertEquals(Set.of("pw-1234", "dd-key-5678", "Bearer tok-9", "other-pw"), log.masked());
    }
}
