package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.Reliability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R18: a config, monitor file or plan file that is not valid YAML, has an unknown key or a value of the
 * wrong type: {@code blip --run=false} exits non-zero at once, the message naming file:line and the key,
 * with no stack trace. Strict for all three kinds of file.
 */
class R18ConfigErrorTest {
    @TempDir
    Path dir;

    @Test
    void everyKindOfBadFileExitsNonZeroAtOnceNamingFileLineAndKey() throws Exception {
        Path monitors = CliRun.write(dir, "monitors.yaml",
                "monitors:\n  - id: db1\n    hostname: 127.0.0.1:1\n    tagz: {a: b}\n");
        Path plan = CliRun.write(dir, "plan.yaml", "fast:\n  freq: 1s\n  colect:\n    status.global: {}\n");
        List<Object[]> cases = List.of(
                new Object[] {"malformed YAML",
                        CliRun.write(dir, "a.yaml", "mysql:\n  username: [blip\nmonitors: []\n"), "a.yaml", ""},
                new Object[] {"unknown key", CliRun.write(dir, "b.yaml",
                        "mysql:\n  pasword-file: /etc/blip/pw\nmonitors:\n  - hostname: db1\n"), "b.yaml:2",
                        "mysql.pasword-file"},
                new Object[] {"wrong type", CliRun.write(dir, "c.yaml", "mysql:\n  timeout-connect: soon\nmonitors:\n"
                        + "  - hostname: db1\n"), "c.yaml:2", "timeout-connect"},
                new Object[] {"unknown key in a monitor file", CliRun.write(dir, "d.yaml", "monitor-loader:\n  files: ["
                        + monitors + "]\n"), "monitors.yaml:4", "tagz"},
                new Object[] {"unknown key in a plan file", CliRun.write(dir, "e.yaml",
                        "plans:\n  files: [" + plan + "]\nmonitors:\n  - hostname: db1\n"), "plan.yaml", "colect"});
        List<String> measured = new ArrayList<>();
        long slowest = 0;
        for (Object[] c : cases) {
            CliRun o = CliRun.check(dir, (Path) c[1]);
            assertEquals(Cli.EXIT_ERROR, o.exit(), c[0] + ": " + o.err());
            assertTrue(o.err().contains((String) c[2]), c[0] + " names " + c[2] + ": " + o.err());
            assertTrue(Pattern.compile("\\.yaml:\\d+").matcher(o.err()).find(), c[0] + " names a line: " + o.err());
            assertTrue(o.err().contains((String) c[3]), c[0] + " names the key " + c[3] + ": " + o.err());
            assertFalse(o.err().contains("\tat ") || o.err().contains("Exception"),
                    c[0] + ": a stack trace: " + o.err());
            measured.add(c[0] + " " + o.millis() + " ms");
            if (measured.size() > 1) {
                slowest = Math.max(slowest, o.millis());
            }
        }
        assertTrue(slowest < 1000, "after the first, each exits within 1 s: " + measured);

        Reliability.figure("R18", R18ConfigErrorTest.class, "blip --run=false exited " + Cli.EXIT_ERROR
                + " naming file:line and key, no stack trace, for each of: " + String.join(", ", measured)
                + " (the first includes loading the runtime's classes in the test's JVM)");
    }
}
