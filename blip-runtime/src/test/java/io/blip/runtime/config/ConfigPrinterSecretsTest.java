package io.blip.runtime.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPrinterSecretsTest {
    @TempDir
    Path dir;

    @Test
    void sinkHeadersAreMaskedInEitherForm() throws Exception {
        Path file = dir.resolve("blip.yaml");
        Files.writeString(file, """
                sinks:
                  otlp:
                    headers: api-key=string-form-secret
                monitors:
                  - hostname: db1
                    sinks:
                      otlp:
                        headers:
                          x-api-key: map-form-secret
                """);
        String printed = ConfigPrinter.yaml(ConfigLoader.load(file, TestDeclarations.context(Map.of())));
        assertFalse(printed.contains("string-form-secret"), printed);
        assertFalse(printed.contains("map-form-secret"), printed);
        assertTrue(printed.contains("headers"), printed);
    }
}
