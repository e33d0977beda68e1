package io.blip.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretScanTest {
    @TempDir
    Path dir;

    @Test
    void aHitNamesTheFileTheLineAndTheLabelNeverTheSecret() throws Exception {
        Path trace = Files.createDirectories(dir.resolve("trace/SomeTest"));
        Files.writeString(trace.resolve("jvm.log"), "a line\nconnecting with s3cret-value-1 now\nlast\n");
        Files.writeString(trace.resolve("001-stdout.txt"), "nothing here\n");
        SecretScan.Result r = SecretScan.scan(List.of(dir, dir.resolve("absent")),
                Map.of("Test.ONE", "s3cret-value-1", "Test.TWO", "other-secret-2"));
        assertEquals(2, r.files());
        assertEquals(4, r.lines());
        assertEquals(2, r.secrets());
        assertEquals(List.of(new SecretScan.Hit(trace.resolve("jvm.log"), 2, "Test.ONE")), r.hits());
        assertEquals("1 test secret(s) found in what the tests wrote (R26):\n  " + trace.resolve("jvm.log")
                + ":2: Test.ONE", r.findings());
        assertFalse(r.findings().contains("s3cret"));
    }

    @Test
    void theSecretsAreKeptAsHexAndTheirDirectoryIsNotScanned() throws Exception {
        Path reliability = dir.resolve("reliability");
        String before = System.getProperty(Reliability.DIR_PROPERTY);
        System.setProperty(Reliability.DIR_PROPERTY, reliability.toString());
        try {
            assertEquals("kept-secret-3", TestSecrets.secret("SecretScanTest.KEPT", "kept-secret-3"));
        } finally {
            if (before == null) {
                System.clearProperty(Reliability.DIR_PROPERTY);
            } else {
                System.setProperty(Reliability.DIR_PROPERTY, before);
            }
        }
        Path kept = reliability.resolve("secrets/SecretScanTest.KEPT.hex");
        assertEquals("6b6570742d7365637265742d33\n", Files.readString(kept));
        assertEquals("kept-secret-3", TestSecrets.read(reliability).get("SecretScanTest.KEPT"));
        assertTrue(SecretScan.scan(List.of(reliability), Map.of("X", "6b6570742d")).hits().isEmpty(),
                "the secrets' own directory is not scanned");
        assertThrows(IllegalArgumentException.class, () -> TestSecrets.secret("SecretScanTest.SHORT", "pw"));
        assertThrows(IllegalArgumentException.class, () -> TestSecrets.secret("SecretScanTest.KEPT", "another-one"));
    }
}
