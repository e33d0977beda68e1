package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.Reliability;
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

    @Test
    void anUnknownNameIsABootErrorListingTheAvailableOnes() throws Exception {
        Path plan = CliRun.write(dir, "plan.yaml", "fast:\n  freq: 1s\n  collect:\n    no.such.domain: {}\n");
        Map<String, String> configs = Map.of(
                "sinks:\n  kafka: {}\nmonitors:\n  - hostname: 127.0.0.1:1\n",
                "no sink named 'kafka'. Available: [log, noop]",
                "plans:\n  files: [" + plan + "]\nmonitors:\n  - hostname: 127.0.0.1:1\n",
                "no collector for domain 'no.such.domain'. Available: [",
                "monitors:\n  - hostname: 127.0.0.1:1\n    credential-source: nope\n",
                "no credential source named 'nope'. Available: [");
        StringBuilder measured = new StringBuilder();
        for (var c : configs.entrySet()) {
            CliRun o = CliRun.check(dir, CliRun.write(dir, "blip.yaml", c.getKey()));
            assertEquals(Cli.EXIT_ERROR, o.exit(), o.err());
            assertTrue(o.err().contains(c.getValue()), o.err());
            assertTrue(o.err().contains(dir.toString()) && o.err().contains(".yaml"), "names the file: " + o.err());
            assertFalse(o.err().contains("\tat "), o.err());
            measured.append(measured.isEmpty() ? "" : "; ").append(c.getValue().replaceAll("\\. Available.*", ""))
                    .append(": exit ").append(o.exit()).append(" in ").append(o.millis()).append(" ms");
        }

        Reliability.figure("R20", R20UnknownNameTest.class, "each a boot error naming the file (and line, but"
                + " for a plan's domain) and listing the available names: " + measured);
    }
}
