package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.Reliability;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R20: a config naming a sink, a domain or a credential source that no plugin provides: boot fails with
 * an error naming the file and line (and, for a plan's domain, its plan path) and listing the names that
 * exist.
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
            String line = Stream.of(o.err().split("\n")).filter(l -> l.contains(c.getValue())).findFirst()
                    .orElseThrow(() -> new AssertionError("no error '" + c.getValue() + "': " + o.err()));
            // A credential source is named by the monitor's file and path: a monitor keeps no line of its keys.
            String where = c.getValue().contains("credential source") ? "\\.yaml: monitors\\[0\\]" : "\\.yaml:\\d+: ";
            assertTrue(line.matches(".*" + Pattern.quote(dir.toString()) + "/[a-z]+" + where + ".*"),
                    "names the file (and line): " + line);
            assertFalse(o.err().contains("\tat "), o.err());
            measured.append(measured.isEmpty() ? "" : "; ")
                    .append(line.strip().replace(dir + "/", "").replaceAll("\\. Available.*", ""))
                    .append(": exit ").append(o.exit()).append(" in ").append(o.millis()).append(" ms");
        }
        CliRun o = CliRun.check(dir, CliRun.write(dir, "blip.yaml", configs.keySet().stream()
                .filter(k -> k.startsWith("plans")).findFirst().orElseThrow()));
        assertTrue(o.err().contains(plan + ":4: plans.files: plan '" + plan + "': fast.collect.no.such.domain: "
                + "no collector for domain 'no.such.domain'. Available: [autoinc, "), "the plan path too: " + o.err());

        Reliability.figure("R20", R20UnknownNameTest.class, "each a boot error naming the file (and line, but for a"
                + " monitor's credential source; a plan's domain with its plan path) and listing the available names: " + measured);
    }
}
