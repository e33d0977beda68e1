package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code bin/blip} processes over one monitor list, each told its shard
 * ({@code monitor-loader.shard}): together they monitor every monitor once, {@code auto} (a
 * StatefulSet pod's hostname and {@code BLIP_SHARD_COUNT}) gives the same shares as {@code i/N}, and
 * growing from three shards to four moves only the fourth's share.
 */
class ShardingEndToEndTest {
    private static final Pattern ID = Pattern.compile("(?m)^ *(?:- )?id: (db\\d+)$");
    private static final List<String> IDS = IntStream.rangeClosed(1, 30).mapToObj(i -> String.format("db%02d", i))
            .toList();

    @TempDir
    Path work;

    /** The config: 30 monitors (never connected to: --print-monitors only prints), sharded as given. */
    private Path config(String shard) throws Exception {
        var text = new StringBuilder("monitor-loader:\n  shard: \"" + shard + "\"\nmonitors:\n");
        for (String id : IDS) {
            text.append("  - id: ").append(id).append("\n    hostname: 127.0.0.1:1\n    username: blip\n");
        }
        return Files.writeString(work.resolve("blip-" + shard.replace('/', '-') + ".yaml"), text.toString());
    }

    /** Each process's printed monitors, the processes run at once. */
    private List<Set<String>> shares(List<String> shards, List<Map<String, String>> envs) throws Exception {
        var processes = new ArrayList<Process>();
        var outputs = new ArrayList<Path>();
        for (int i = 0; i < shards.size(); i++) {
            Path out = work.resolve("out-" + i + "-" + System.nanoTime() + ".txt");
            var builder = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config",
                    config(shards.get(i)).toString(), "--print-monitors").redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            builder.environment().remove("JAVA_OPTS");
            builder.environment().remove("HOSTNAME");
            builder.environment().keySet().removeIf(k -> k.startsWith("BLIP_"));
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().putAll(envs.get(i));
            processes.add(builder.start());
            outputs.add(out);
        }
        var shares = new ArrayList<Set<String>>();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/blip did not end");
            String text = Files.readString(outputs.get(i), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), text);
            var ids = new TreeSet<String>();
            Matcher m = ID.matcher(text);
            while (m.find()) {
                ids.add(m.group(1));
            }
            assertTrue(text.contains("# shard " + (shards.get(i).equals("auto") ? i + "/" + shards.size() + " (auto)"
                    : shards.get(i)) + ": " + ids.size() + " of the 30 monitors loaded"), text);
            shares.add(ids);
        }
        return shares;
    }

    private static void assertExactCover(List<Set<String>> shares) {
        var seen = new HashSet<String>();
        for (Set<String> share : shares) {
            for (String id : share) {
                assertTrue(seen.add(id), id + " is monitored twice: " + shares);
            }
        }
        assertEquals(new TreeSet<>(IDS), new TreeSet<>(seen), "every monitor once: " + shares);
    }

    @Test
    void threeShardsCoverEveryMonitorOnceAndAFourthMovesOnlyItsShare() throws Exception {
        List<Set<String>> three = shares(List.of("0/3", "1/3", "2/3"), List.of(Map.of(), Map.of(), Map.of()));
        assertExactCover(three);
        assertTrue(three.stream().allMatch(s -> !s.isEmpty()), three.toString());

        var pods = new ArrayList<Map<String, String>>();
        for (int i = 0; i < 3; i++) {
            pods.add(Map.of("HOSTNAME", "blip-" + i, "BLIP_SHARD_COUNT", "3"));
        }
        assertEquals(three, shares(List.of("auto", "auto", "auto"), pods), "auto: the pods' shares are i/N's");

        List<Set<String>> four = shares(List.of("0/4", "1/4", "2/4", "3/4"), List.of(Map.of(), Map.of(), Map.of(),
                Map.of()));
        assertExactCover(four);
        Map<String, Integer> before = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            for (String id : three.get(i)) {
                before.put(id, i);
            }
        }
        int moved = 0;
        for (int i = 0; i < 4; i++) {
            for (String id : four.get(i)) {
                if (before.get(id) != i) {
                    assertEquals(3, i, id + " moved between the first three shards");
                    moved++;
                }
            }
        }
        assertTrue(moved <= 30 * (1.0 / 4 + 0.10), moved + " of 30 moved");
    }

    @Test
    void aShardThatDoesNotExistIsABootError() throws Exception {
        var builder = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config",
                config("3/3").toString(), "--print-monitors").redirectErrorStream(true);
        builder.environment().remove("JAVA_OPTS");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = builder.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), text);
        assertTrue(text.contains("monitor-loader.shard") && text.contains("'3/3': shard 3 does not exist among 3"),
                text);
    }
}
