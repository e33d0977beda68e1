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
import java.util.stream.Stream;
import java.util.Map;
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
    void everyMistakeOfAPlanIsReportedAtOnceWithItsPath() throws Exception {
        Path plan = file("bad-plan.yaml", """
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
        Path empty = file("empty-plan.yaml", "{}\n");
        Path config = file("blip.yaml", "plans:\n  files: [" + plan + ", " + empty + "]\nmonitors:\n"
                + "  - hostname: 127.0.0.1:1\n");
        Outcome o = run(config);
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
        Outcome second = run(config);
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
