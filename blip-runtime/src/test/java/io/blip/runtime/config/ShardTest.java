package io.blip.runtime.config;

import io.blip.api.BlipException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code monitor-loader.shard}: its values and errors, and rendezvous hashing's spread and movement. */
class ShardTest {
    /** A fleet's worth of ids, as RDS names them. */
    private static final List<String> IDS = IntStream.range(0, 2000).mapToObj(i -> "prod-db-" + i).toList();

    private static String problem(String value) {
        return assertThrows(BlipException.class, () -> Shard.of(value, Map.of(), () -> "")).getMessage();
    }

    private static String autoProblem(Map<String, String> env, String hostname) {
        return assertThrows(BlipException.class, () -> Shard.of("auto", env, () -> hostname)).getMessage();
    }

    @Test
    void iOfNOrAutoAndEachMistakeSaysHowToWriteIt() {
        assertEquals(new Shard(1, 3, "1/3"), Shard.of(" 1/3 ", Map.of(), () -> ""));
        assertEquals(Shard.ALL, Shard.of("", Map.of(), () -> ""));
        assertNull(Shard.problem("0/1"));
        String how = "; write shard: i/N (this instance is shard i of N, from 0, e.g. 0/3) or shard: auto (i from a"
                + " StatefulSet pod's hostname, N from BLIP_SHARD_COUNT)";
        assertEquals("monitor-loader.shard: 'half' is not a shard" + how, problem("half"));
        assertEquals("monitor-loader.shard: '3/3': shard 3 does not exist among 3 (shards are numbered from 0 to 2)",
                problem("3/3"));
        assertEquals("monitor-loader.shard: '0/0': the number of shards must be at least 1", problem("0/0"));
    }

    @Test
    void autoIsTheStatefulSetPodsOrdinalOfTheCountItsManifestSets() {
        assertEquals(new Shard(2, 3, "auto"), Shard.of("auto", Map.of("HOSTNAME", "blip-2", "BLIP_SHARD_COUNT", "3"),
                () -> "elsewhere"));
        assertEquals(new Shard(0, 2, "auto"), Shard.of("auto", Map.of("BLIP_SHARD_COUNT", "2"),
                () -> "blip-0.blip.monitoring.svc.cluster.local"), "the host's name when HOSTNAME is not set");
        assertEquals("monitor-loader.shard: auto: the hostname 'laptop' does not end in an ordinal (-0, -1, ...) as a"
                + " StatefulSet pod's does; write shard: i/N (this instance is shard i of N, from 0, e.g. 0/3) or"
                + " shard: auto (i from a StatefulSet pod's hostname, N from BLIP_SHARD_COUNT)",
                autoProblem(Map.of("BLIP_SHARD_COUNT", "3"), "laptop"));
        assertEquals("monitor-loader.shard: auto: BLIP_SHARD_COUNT is not set; set it to the number of shards (the"
                + " StatefulSet's replicas)", autoProblem(Map.of("HOSTNAME", "blip-1"), ""));
        assertEquals("monitor-loader.shard: auto (hostname blip-3, BLIP_SHARD_COUNT=3): shard 3 does not exist among 3"
                + " (shards are numbered from 0 to 2)", autoProblem(Map.of("HOSTNAME", "blip-3",
                "BLIP_SHARD_COUNT", "3"), ""));
    }

    @Test
    void everyMonitorHasOneOwnerAndTheSharesAreEven() {
        for (int n = 1; n <= 12; n++) {
            int[] owned = new int[n];
            for (String id : IDS) {
                int owner = Shard.owner(id, n);
                owned[owner]++;
                int count = n;
                assertEquals(1, IntStream.range(0, n).filter(i -> new Shard(i, count, "").owns(id)).count(), id);
            }
            double mean = (double) IDS.size() / n;
            for (int share : owned) {
                assertTrue(Math.abs(share - mean) < mean * 0.25, n + " shards: " + java.util.Arrays.toString(owned));
            }
        }
    }

    /** From N to N+1 shards only the monitors the new shard wins move: about 1/(N+1), and at most 10 % more. */
    @Test
    void growingByOneShardMovesOnlyTheNewShardsShare() {
        for (int n = 1; n <= 12; n++) {
            int moved = 0;
            for (String id : IDS) {
                int before = Shard.owner(id, n);
                int after = Shard.owner(id, n + 1);
                if (before != after) {
                    assertEquals(n, after, id + " moved between old shards");
                    moved++;
                }
            }
            double share = (double) moved / IDS.size();
            assertTrue(share <= 1.0 / (n + 1) + 0.10, n + " to " + (n + 1) + ": moved " + share);
        }
    }
}
