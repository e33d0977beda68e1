package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.Reliability;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R20: a config naming a sink, a domain or a credential source that no plugin provides: boot fails with
 * an error listing the names that exist.
 */
class R20UnknownNameTest {
    @TempDir
    Path dir;

    private record Outcome(int exit, String err, long millis) {
    }

    private Outcome run(Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long began = System.nanoTime();
        int exit = new Cli(Map.of("BLIP_PLUGINS", dir.resolve("no-plugins").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[] {"--config", config.toString(), "--run=false"});
        return new Outcome(exit, err.toString(StandardCharsets.UTF_8), (System.nanoTime() - began) / 1_000_000);
    }

    private Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void anUnknownNameIsABootErrorListingTheAvailableOnes() throws Exception {
        Path plan = file("plan.yaml", "fast:\n  freq: 1s\n  collect:\n    no.such.domain: {}\n");
        Map<String, String> configs = Map.of(
                "sinks:\n  kafka: {}\nmonitors:\n  - hostname: 127.0.0.1:1\n",
                "no sink named 'kafka'. Available: [log, noop]",
                "plans:\n  files: [" + plan + "]\nmonitors:\n  - hostname: 127.0.0.1:1\n",
                "no collector for domain 'no.such.domain'. Available: [",
                "monitors:\n  - hostname: 127.0.0.1:1\n    credential-source: nope\n",
                "no credential source named 'nope'. Available: [");
        StringBuilder measured = new StringBuilder();
        for (var c : configs.entrySet()) {
            Outcome o = run(file("blip.yaml", c.getKey()));
            assertEquals(Cli.EXIT_ERROR, o.exit(), o.err());
            assertTrue(o.err().contains(c.getValue()), o.err());
            assertTrue(o.err().contains(dir.toString()) && o.err().contains(".yaml"), "names the file: " + o.err());
            assertFalse(o.err().contains("\tat "), o.err());
            measured.append(measured.isEmpty() ? "" : "; ").append(c.getValue().replaceAll("\\. Available.*", ""))
                    .append(": exit ").append(o.exit()).append(" in ").append(o.millis()).append(" ms");
        }

        Reliability.figure("R20", R20UnknownNameTest.class, "each a boot error naming the file (and line, but for a plan's domain) and listing the"
                + " available names: " + measured);
    }
}
