package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.blip.api.plan.Plan;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.Reliability;
import io.blip.testkit.VirtualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R19: plan files with several mistakes (a bad frequency, an unknown domain in that level and in another,
 * an unknown key of a domain, a plan with no level): boot fails and reports every one of them at once, in
 * one list, each with its file, line and plan path; a reload with them keeps the running plan and reports
 * the same list.
 */
class R19PlanErrorTest {
    private static final String BAD_PLAN = """
            fast:
              freq: often
              collect:
                status.global:
                  metrics: [queries]
                no.such.fast: {}
            slow:
              freq: 10s
              collect:
                no.such.domain: {}
                status.global:
                  no-such-option: 1
            """;

    @TempDir
    Path dir;

    @Test
    void everyMistakeOfAPlanIsReportedAtOnceWithItsPathAtBootAndAtAReload() throws Exception {
        Path plan = CliRun.write(dir, "bad-plan.yaml", BAD_PLAN);
        Path empty = CliRun.write(dir, "empty-plan.yaml", "{}\n");
        Path config = CliRun.write(dir, "blip.yaml", "api: {bind: \"127.0.0.1:0\"}\nplans:\n  files: [" + plan + ", "
                + empty + "]\nmonitors:\n  - hostname: 127.0.0.1:1\n");
        CliRun o = CliRun.check(dir, config);

        assertEquals(Cli.EXIT_ERROR, o.exit(), o.err());
        String planAt = "plans.files: plan '" + plan + "': ";
        List<String> expected = List.of(
                plan + ":2: fast.freq: 'often' is not a duration",
                plan + ":12: slow.collect.status.global.no-such-option: unknown key",
                empty + ":1: the plan has no levels",
                plan + ":10: " + planAt + "slow.collect.no.such.domain: no collector for domain 'no.such.domain'."
                        + " Available: [",
                plan + ":6: " + planAt + "fast.collect.no.such.fast: no collector for domain 'no.such.fast'."
                        + " Available: [");
        List<String> lines = Stream.of(o.err().split("\n")).filter(l -> l.contains("plan.yaml:")).toList();
        assertEquals(expected.size(), lines.size(), "one line per mistake, all in one boot: " + o.err());
        List<String> missing = expected.stream().filter(e -> lines.stream().noneMatch(l -> l.contains(e))).toList();
        assertEquals(List.of(), missing, "every mistake with its file, line and path: " + o.err());
        assertFalse(o.err().contains("\tat "), o.err());

        String reload = reloadKeepsTheRunningPlan(config, plan, empty, expected);

        Reliability.figure("R19", R19PlanErrorTest.class, String.format("plan files with a bad freq, an unknown"
                + " domain in that level and in another, an unknown key of a domain and a plan with no level: boot"
                + " failed (exit %d, %d ms) with all %d errors in one list, each file:line and plan path (e.g., the"
                + " temp dir left out, %s);"
                + " a reload with them: %s", o.exit(), o.millis(), lines.size(),
                lines.get(lines.size() - 1).strip().replace(dir + "/", "").replaceAll("\\. Available.*", ""), reload));
    }

    /** A server running good plans is reloaded with the bad ones: refused, every problem listed, plan kept. */
    private String reloadKeepsTheRunningPlan(Path config, Path plan, Path empty, List<String> expected)
            throws Exception {
        Files.writeString(plan, "slow:\n  freq: 10s\n  collect:\n    status.global: {}\n");
        Files.writeString(empty, "fast:\n  freq: 1s\n  collect:\n    status.global: {}\n");
        try (Server server = Server.boot(new CliOptions(config, dir.resolve("no-plugins"), false, false, false,
                false, false, false, false, true), Map.of(), System.out, new VirtualTime(Instant.EPOCH))) {
            server.run();
            Monitor before = server.monitors().getFirst();
            Plan running = before.plan();
            Files.writeString(plan, BAD_PLAN);
            Files.writeString(empty, "{}\n");

            Server.Reload r = server.reload();

            assertEquals(Server.ReloadOutcome.INVALID, r.outcome(), r.message());
            List<String> missing = expected.stream().filter(e -> !r.message().contains(e)).toList();
            assertEquals(List.of(), missing, "the reload lists every mistake: " + r.message());
            assertSame(before, server.monitors().getFirst(), "the monitor runs on");
            assertSame(running, before.plan(), "with the plan it ran");
            return "refused (" + r.outcome() + ") with the same " + expected.size() + " errors, the monitor on its"
                    + " old plan";
        }
    }
}
