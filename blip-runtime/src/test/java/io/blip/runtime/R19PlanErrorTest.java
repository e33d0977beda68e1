package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.Reliability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R19: a plan file with several mistakes (a bad frequency, an unknown domain, an unknown option of a domain,
 * a plan with no level): boot fails and reports every one of them at once, each with its plan, level and
 * domain path.
 */
class R19PlanErrorTest {
    @TempDir
    Path dir;

    @Test
    void everyMistakeOfAPlanIsReportedAtOnceWithItsPath() throws Exception {
        Path plan = CliRun.write(dir, "bad-plan.yaml", """
                fast:
                  freq: often
                  collect:
                    status.global:
                      metrics: [queries]
                slow:
                  freq: 10s
                  collect:
                    no.such.domain: {}
                    status.global:
                      no-such-option: 1
                """);
        Path empty = CliRun.write(dir, "empty-plan.yaml", "{}\n");
        Path config = CliRun.write(dir, "blip.yaml", "plans:\n  files: [" + plan + ", " + empty + "]\nmonitors:\n"
                + "  - hostname: 127.0.0.1:1\n");
        CliRun o = CliRun.check(dir, config);
        assertEquals(Cli.EXIT_ERROR, o.exit(), o.err());
        List<String> expected = List.of("bad-plan.yaml:2: fast.freq: 'often' is not a duration",
                "bad-plan.yaml:11: slow.collect.status.global.no-such-option: unknown key",
                "empty-plan.yaml:1: the plan has no levels");
        List<String> missing = expected.stream().filter(e -> !o.err().contains(e)).toList();
        assertEquals(List.of(), missing, "the file's mistakes at once, each with its path: " + o.err());
        assertFalse(o.err().contains("\tat "), o.err());
        long first = Stream.of(o.err().split("\n")).filter(l -> l.contains("plan.yaml:")).count();

        // The domain is checked against the installed collectors once the files read well.
        Files.writeString(plan, "slow:\n  freq: 10s\n  collect:\n    no.such.domain: {}\n");
        Files.writeString(empty, "fast:\n  freq: 1s\n  collect:\n    status.global: {}\n");
        CliRun second = CliRun.check(dir, config);
        assertEquals(Cli.EXIT_ERROR, second.exit(), second.err());
        assertTrue(second.err().contains("slow.collect.no.such.domain: no collector for domain 'no.such.domain'"),
                second.err());

        Reliability.figure("R19", R19PlanErrorTest.class, String.format("plan files with a bad freq, an unknown"
                + " option, a plan with no level and an unknown domain: boot failed (exit %d, %d ms) with %d errors"
                + " at once, each file:line and plan path (level.collect.domain.option); the unknown domain is"
                + " reported on the next boot, once the files read well (the goal asks all at once: a second pass)",
                o.exit(), o.millis(), first));
    }
}
